#!/usr/bin/env python3
"""Write tests/data/match_eval.jsonl: the evaluation set of the matching engine.

Deterministic (random.Random(2026)), standard library only, no network:

    python tests/data/make_match_eval.py

It reads the starter pack (bot/data/starter_templates.jsonl) and the negative
bank (bot/data/negative_bank.jsonl), expands each template's alternatives and
gaps into natural texts, applies the evasions documented for copy-paste
campaigns, adds hand-written negatives, checks the result and prints the
counts per case and language. See tests/data/README.md.
"""

from __future__ import annotations

import json
import random
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TEMPLATES = ROOT / "bot" / "data" / "starter_templates.jsonl"
BANK = ROOT / "bot" / "data" / "negative_bank.jsonl"
OUT = HERE / "match_eval.jsonl"
SEED = 2026
LANGS = ("en", "ru", "kk", "ar", "zh")
KZ_FAMILIES = ("kz2022-choice", "kz2022-course", "nurbot-cares", "nurbot-salary", "nurbot-stability")
GULF_FAMILIES = ("gulf-boycott26", "gulf-defenders")
FAMILIES = KZ_FAMILIES + GULF_FAMILIES
NEGATIVE_CASES = ("neg_same_topic", "neg_critic_quote", "neg_generic_short", "neg_unrelated")

# --------------------------------------------------------------------------
# Template syntax: {a|b} alternatives, {*} gaps.

_GROUP = re.compile(r"\{([^{}]*)\}")


def expand(template: str, picks: tuple[int, ...] = (), fills: tuple[str, ...] = ()) -> str:
    """The text a template stands for with the given alternative indexes and gap fillers."""
    picks_left, fills_left = list(picks), list(fills)

    def one(group: re.Match[str]) -> str:
        inner = group.group(1)
        if inner.strip() == "*":
            return fills_left.pop(0)
        return inner.split("|")[picks_left.pop(0)]

    text = _GROUP.sub(one, template)
    if picks_left or fills_left:
        raise ValueError(f"too many picks/fills for {template!r}")
    return text


def template_regex(template: str) -> re.Pattern[str]:
    """A regex for every expansion of a template (gaps: up to 40 characters)."""
    out, position = [], 0
    for group in _GROUP.finditer(template):
        out.append(re.escape(template[position : group.start()]))
        inner = group.group(1)
        out.append(r".{1,40}?" if inner.strip() == "*" else "(?:" + "|".join(map(re.escape, inner.split("|"))) + ")")
        position = group.end()
    out.append(re.escape(template[position:]))
    return re.compile("".join(out), re.DOTALL)


# --------------------------------------------------------------------------
# How the templates are expanded: alternative indexes and gap fillers.
# The first entry of each list is the canonical text (the case "exact"); the
# others pick other alternatives (the case "slot_swap").

FOUR = {"en": "four", "ru": "четыре голоса", "kk": "төрт", "ar": "أربعة", "zh": "四"}
FIVE = {"en": "five", "ru": "пять голосов", "kk": "бес", "ar": "خمسة", "zh": "五"}
# the gap filled with a digit (Russian: the noun agrees with the number)
DIGIT_FILL = {
    "en": ["{d}"] * 2,
    "ru": ["{d} голоса", "{d} голосов"],
    "kk": ["{d}"] * 2,
    "ar": ["{d}"] * 2,
    "zh": ["{d}"] * 2,
}
DIGITS = {"arabic-indic": "٠١٢٣٤٥٦٧٨٩", "persian": "۰۱۲۳۴۵۶۷۸۹", "fullwidth": "０１２３４５６７８９"}

EXPANSIONS: dict[str, dict[str, list[tuple[tuple[int, ...], tuple[str, ...]]]]] = {
    "kz2022-choice": {
        # canonical: I ... our families ... four votes (the combination the seed article quotes)
        "en": [((0, 0, 1), (FOUR["en"],)), ((1, 1, 1), (FIVE["en"],)), ((0, 0, 0), (FOUR["en"],))],
        "ru": [((0, 0, 1), (FOUR["ru"],)), ((2, 1, 1), (FIVE["ru"],)), ((1, 0, 0), (FOUR["ru"],))],
        "kk": [((0, 0, 0, 0, 1), (FOUR["kk"],)), ((1, 1, 1, 1, 1), (FIVE["kk"],)), ((0, 0, 0, 0, 0), (FOUR["kk"],))],
        "ar": [((0, 0, 1), (FOUR["ar"],)), ((1, 1, 1), (FIVE["ar"],)), ((0, 0, 0), (FOUR["ar"],))],
        "zh": [((0, 0, 1), (FOUR["zh"],)), ((1, 1, 0), (FIVE["zh"],)), ((1, 1, 1), (FOUR["zh"],))],
    },
    "kz2022-course": {
        "en": [((0, 0), ()), ((1, 1), ())],
        "ru": [((0, 0, 0), ()), ((1, 1, 1), ())],
        "kk": [((0, 0, 0, 0), ()), ((1, 1, 1, 1), ())],
        "ar": [((0, 0, 0, 0), ()), ((1, 1, 1, 1), ())],
        "zh": [((0, 0), ()), ((1, 1), ())],
    },
}

# --------------------------------------------------------------------------
# Hand-written variants of the canonical texts.

SYNONYM = {
    "kz2022-choice": {
        "en": "I made a choice for the new Kazakhstan. I take part in the coming presidential elections, our families give four votes for Tokayev.",
        "ru": "Я сделал выбор в пользу Нового Казахстана. Я участвую в грядущих президентских выборах, наши семьи дают четыре голоса за Токаева.",
        "kk": "Мен Жаңа Қазақстан үшін таңдауымды жасадым. Мен жақында өтетін Президент сайлауына қатысамын, отбасыларымыз Тоқаевқа төрт дауыс береді.",
        "ar": "اخترت كازاخستان الجديدة. أنا أشارك في الانتخابات الرئاسية القادمة، عائلاتنا تمنح أربعة أصوات لتوكاييف.",
        "zh": "我為新哈薩克斯坦做了選擇。我將參與即將舉行的總統大選，我們幾家為托卡耶夫投出四票。",
    },
    "kz2022-course": {
        "en": "My choice is correct and conscious. I respect the current political course and hope that others will do the same.",
        "ru": "Мой выбор верный и осознанный. Я уважаю нынешний политический курс и надеюсь, что другие поступят так же.",
        "kk": "Менің таңдауым дұрыс әрі саналы. Мен қазіргі саяси бағытты сыйлаймын және басқалар да солай жасайды деп сенемін.",
        "ar": "خياري صائب ونابع عن قناعة. أنا أحترم النهج السياسي الحالي وآمل أن يحذو الآخرون حذوي.",
        "zh": "我的選擇是正確而理智的。我尊重目前的政治路線，並希望其他人也這樣做。",
    },
    "nurbot-cares": {
        "en": "The President cares and constantly thinks about the people.",
        "ru": "Президент заботится и постоянно думает о людях.",
        "kk": "Президент халыққа қамқорлық жасап, үнемі халықты ойлайды.",
        "ar": "الرئيس يهتم ويفكر باستمرار في الشعب.",
        "zh": "總統關懷人民，始終為百姓著想。",
    },
    "nurbot-salary": {
        "en": "With sufficient professional qualifications, one can always find a good salary and good living conditions in this country.",
        "ru": "При достаточной профессиональной квалификации в этой стране всегда можно найти хорошую зарплату и нормальные условия жизни.",
        "kk": "Кәсіби біліктілігің жеткілікті болса, бұл елде әрдайым лайықты еңбекақы мен жақсы өмір сүру жағдайын табуға болады.",
        "ar": "مع مؤهلات مهنية كافية، يمكن للمرء دائمًا الحصول على راتب مناسب وظروف حياة جيدة في هذا البلد.",
        "zh": "只要有足夠的專業資格，在這個國家總能找到不錯的薪資和良好的生活條件。",
    },
    "nurbot-stability": {
        "en": "Our President ensures the necessary stability and peace.",
        "ru": "Наш Президент гарантирует необходимую стабильность и спокойствие.",
        "kk": "Президентіміз қажетті тұрақтылық пен тыныштықты қамтамасыз етеді.",
        "ar": "يضمن رئيسنا الاستقرار والأمان الضروريين.",
        "zh": "我們的總統確保了必要的穩定與和平。",
    },
    "gulf-boycott26": {
        "en": "#no_twitter_on_sunday_26 Boycott Twitter on Sunday for 24 hours to protest the deletion of Qatari accounts.",
        "ru": "#no_twitter_on_sunday_26 Бойкотируем Twitter в воскресенье на 24 часа в знак протеста против удаления катарских страниц.",
        "kk": "#no_twitter_on_sunday_26 Қатар парақшаларының жойылуына наразылық ретінде жексенбі күні Twitter-ді 24 сағатқа бойкоттаймыз.",
        "ar": "#مقاطعة_تويتر_الأحد_26 سنقاطع تويتر يوم الأحد لمدة 24 ساعة احتجاجًا على إغلاق الحسابات القطرية.",
        "zh": "#no_twitter_on_sunday_26 週日杯葛推特24小時，抗議刪除卡達帳號。",
    },
    "gulf-defenders": {
        "en": "We condemn the suspension of the accounts that defend the nation and stand up to the attacks of electronic flies from the blockade countries.",
        "ru": "Осуждаем блокировку аккаунтов, которые защищают Родину и дают отпор нападкам троллей из стран блокады.",
        "kk": "Отанды қорғап, қоршау жариялаған елдердің тролльдеріне тойтарыс беретін парақшалардың бұғатталуын айыптаймыз.",
        "ar": "نرفض إيقاف الحسابات المدافعة عن الوطن والتي تتصدى لهجمات الذباب الإلكتروني من دول الحصار.",
        "zh": "我們譴責停用那些保衛國家、反擊封鎖國網軍攻擊的帳號。",
    },
}

# Word order changed. Two-sentence templates also get their sentences swapped automatically.
WORD_ORDER = {
    "kz2022-choice": {
        "en": "I made a choice for the new Kazakhstan. Our families give four votes for Tokayev, I participate in the upcoming presidential elections.",
        "ru": "Я сделал выбор в пользу Нового Казахстана. Наши семьи отдают четыре голоса за Токаева, я участвую в предстоящих президентских выборах.",
        "kk": "Мен Жаңа Қазақстан үшін таңдау жасадым. Отбасыларымыз Тоқаевқа төрт дауыс береді, мен алдағы Президент сайлауына қатысамын.",
        "ar": "اخترت كازاخستان الجديدة. عائلاتنا تقدم أربعة أصوات لتوكاييف، أنا أشارك في الانتخابات الرئاسية المقبلة.",
        "zh": "我為新哈薩克斯坦做出了選擇。我們幾家為托卡耶夫投出四票，我將參加即將舉行的總統選舉。",
    },
    "nurbot-cares": {
        "en": "The President always thinks about the people and cares.",
        "ru": "Президент всегда думает о народе и заботится.",
        "kk": "Президент әрқашан халықты ойлап, халыққа қамқорлық жасайды.",
        "ar": "الرئيس يفكر دائمًا في الناس ويهتم.",
        "zh": "總統始終為人民著想，關心人民。",
    },
    "nurbot-salary": {
        "en": "In this country, one can always find a decent salary and good living conditions with enough professional qualifications.",
        "ru": "В этой стране при достаточной профессиональной квалификации всегда можно найти достойную зарплату и хорошие условия жизни.",
        "kk": "Бұл елде кәсіби біліктілігің жеткілікті болса, әрқашан лайықты жалақы мен жақсы өмір сүру жағдайын табуға болады.",
        "ar": "في هذا البلد يمكن للمرء دائمًا العثور على راتب لائق وظروف حياة جيدة مع مؤهلات مهنية كافية.",
        "zh": "在這個國家，只要有足夠的專業資格，總能找到體面的薪水和良好的生活條件。",
    },
    "nurbot-stability": {
        "en": "The necessary stability and peace are provided by our President.",
        "ru": "Необходимую стабильность и спокойствие обеспечивает наш Президент.",
        "kk": "Қажетті тұрақтылық пен бейбітшілікті Президентіміз қамтамасыз етеді.",
        "ar": "رئيسنا يوفر الاستقرار والسلام الضروريين.",
        "zh": "必要的穩定與和平，是我們的總統帶來的。",
    },
    "gulf-boycott26": {
        "en": "In protest against the deletion of Qatari accounts, boycott Twitter on Sunday for 24 hours #no_twitter_on_sunday_26",
        "ru": "В знак протеста против удаления катарских аккаунтов бойкотируем Twitter в воскресенье на 24 часа #no_twitter_on_sunday_26",
        "kk": "Жексенбі күні Twitter-ді 24 сағатқа бойкоттаймыз, Қатар аккаунттарының жойылуына наразылық ретінде. #no_twitter_on_sunday_26",
        "ar": "احتجاجًا على حذف الحسابات القطرية سنقاطع تويتر يوم الأحد لمدة 24 ساعة #مقاطعة_تويتر_الأحد_26",
        "zh": "抗議刪除卡達帳號，週日抵制推特24小時。#no_twitter_on_sunday_26",
    },
    "gulf-defenders": {
        "en": "We condemn the suspension of the accounts that stand up to the attacks of electronic flies from the blockade countries and defend the homeland.",
        "ru": "Осуждаем блокировку аккаунтов, которые дают отпор атакам троллей из стран блокады и защищают Родину.",
        "kk": "Қоршау жариялаған елдердің тролльдеріне тойтарыс беріп, Отанды қорғайтын аккаунттардың бұғатталуын айыптаймыз.",
        "ar": "نستنكر إيقاف الحسابات التي تتصدى لهجمات الذباب الإلكتروني من دول الحصار والمدافعة عن الوطن.",
        "zh": "我們譴責停用那些反擊封鎖國網軍攻擊、捍衛國家的帳號。",
    },
}

# --------------------------------------------------------------------------
# Decoration.

CHATTER_BEFORE = {
    "en": [
        "Agree!!",
        "Well said 👏",
        "So true.",
        "Exactly my thoughts:",
        "Everyone, read this:",
        "Totally agree with the post.",
    ],
    "ru": [
        "Согласна!!",
        "Всё верно 👏",
        "Полностью поддерживаю.",
        "Хорошо сказано:",
        "Прочитайте все:",
        "Подписываюсь под каждым словом.",
    ],
    "kk": [
        "Келісемін!!",
        "Дұрыс айтасыз 👏",
        "Толықтай қолдаймын.",
        "Жақсы айтылған:",
        "Барлығы оқыңыздар:",
        "Әр сөзіңізге қосыламын.",
    ],
    "ar": ["صح لسانك!!", "كلام سليم 👏", "أتفق تمامًا.", "أحسنت القول:", "اقرأوا هذا يا جماعة:", "أؤيد كل كلمة."],
    "zh": ["說得好！！", "完全同意 👏", "支持！", "講得太對了：", "大家看看：", "每一句都贊同。"],
}
CHATTER_AFTER = {
    "en": ["👏👏", "Respect.", "💯", "Couldn't agree more.", "Thanks for the news.", "Share this, friends!"],
    "ru": ["👏👏", "Уважение.", "💯", "Лучше не скажешь.", "Спасибо за новость.", "Делитесь, друзья!"],
    "kk": ["👏👏", "Құрмет.", "💯", "Бұдан артық айту мүмкін емес.", "Жаңалық үшін рахмет.", "Достар, бөлісіңіздер!"],
    "ar": ["👏👏", "بارك الله فيكم", "💯", "كلام من ذهب.", "شكرا على الخبر.", "انشروها يا أحباب!"],
    "zh": ["👏👏", "致敬。", "💯", "說到心坎裡了。", "謝謝分享這則消息。", "大家幫忙轉發！"],
}
EMOJI = {
    "kz": ["🇰🇿", "👍", "🔥", "✨", "★", "💪", "🙏", "👏", "❤️", "✅", "☝️"],
    "gulf": ["🇶🇦", "👍", "🔥", "✨", "★", "💪", "✊", "❤️", "✔️", "☝️"],
}
DECOR = ["~~~", "•••", "★★★", "✨✨✨", "———", "▪️▪️▪️"]
HASHTAGS = {
    "kz": {
        "en": ["#Tokayev2022", "#NewKazakhstan", "#ЖаңаҚазақстан", "#Election2022"],
        "ru": ["#Токаев2022", "#НовыйКазахстан", "#ЖаңаҚазақстан", "#Выборы2022"],
        "kk": ["#ЖаңаҚазақстан", "#Тоқаев2022", "#Сайлау2022", "#Tokayev2022"],
        "ar": ["#توكاييف", "#كازاخستان_الجديدة", "#Tokayev2022"],
        "zh": ["#新哈薩克斯坦", "#托卡耶夫", "#Tokayev2022"],
    },
    "gulf": {
        "en": ["#Qatar", "#no_twitter_on_sunday_26", "#TwitterBoycott"],
        "ru": ["#Катар", "#БойкотТвиттера", "#no_twitter_on_sunday_26"],
        "kk": ["#Қатар", "#no_twitter_on_sunday_26"],
        "ar": ["#قطر", "#مقاطعة_تويتر_الأحد_26", "#تويتر"],
        "zh": ["#卡達", "#no_twitter_on_sunday_26"],
    },
}
MENTIONS = {"kz": ["@akorda_press", "@Kazinform"], "gulf": ["@Twitter", "@TwitterSupport"]}

ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
BIDI_SINGLE = ["\u200e", "\u200f"]
BIDI_WRAP = [
    ("\u202a", "\u202c"),
    ("\u202b", "\u202c"),
    ("\u202d", "\u202c"),
    ("\u202e", "\u202c"),
    ("\u2066", "\u2069"),
    ("\u2067", "\u2069"),
    ("\u2068", "\u2069"),
]

# Latin ↔ Cyrillic ↔ Greek look-alikes.
LATIN_TO_CYRILLIC = dict(zip("aeopcxyiABEKMHOPCTX", "аеорсхуіАВЕКМНОРСТХ", strict=False))
LATIN_TO_GREEK = {"o": "ο", "a": "α", "O": "Ο", "A": "Α", "E": "Ε", "T": "Τ"}
CYRILLIC_TO_LATIN = dict(zip("аеорсхуіАВЕКМНОРСТХІ", "aeopcxyiABEKMHOPCTXI", strict=False))

# Chinese typing slips (homophones an input method offers).
ZH_TYPOS = [
    ("我們", "我門"),
    ("選擇", "選則"),
    ("關心", "關新"),
    ("帳號", "帳好"),
    ("穩定", "穩訂"),
    ("薪水", "新水"),
    ("政治", "正治"),
    ("抗議", "抗義"),
    ("的", "得"),
]

# Kazakh Cyrillic → Latin. 2021 alphabet (official) and the informal ASCII spelling people type.
KK_2021 = {
    "а": "a",
    "ә": "ä",
    "б": "b",
    "в": "v",
    "г": "g",
    "ғ": "ğ",
    "д": "d",
    "е": "e",
    "ё": "io",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "i",
    "і": "ı",
    "ы": "y",
    "к": "k",
    "қ": "q",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "ñ",
    "о": "o",
    "ө": "ö",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ұ": "ū",
    "ү": "ü",
    "ф": "f",
    "х": "h",
    "һ": "h",
    "ц": "ts",
    "ч": "ç",
    "ш": "ş",
    "щ": "şş",
    "ъ": "",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
}
KK_2021_UPPER = {"И": "İ", "Й": "İ", "І": "I", "Ы": "Y"}
KK_INFORMAL = {
    "а": "a",
    "ә": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ғ": "g",
    "д": "d",
    "е": "e",
    "ё": "yo",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "i",
    "і": "i",
    "ы": "y",
    "к": "k",
    "қ": "q",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "n",
    "о": "o",
    "ө": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ұ": "u",
    "ү": "u",
    "ф": "f",
    "х": "h",
    "һ": "h",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "sh",
    "ъ": "",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
}

# Traditional → Simplified for the characters of the Chinese texts in this file and the starter pack
# (taken from OpenCC t2s once; kept here so that the generator needs nothing but the standard library).
T2S_TRAD = "並來個們刪參國夠將專帳帶幾懷擇擊時條業樣為現確穩終統網線總與舉薩號衛議譴責資軍這週達選錯鎖關體"
T2S_SIMP = "并来个们删参国够将专帐带几怀择击时条业样为现确稳终统网线总与举萨号卫议谴责资军这周达选错锁关体"
T2S = dict(zip(T2S_TRAD, T2S_SIMP, strict=False))

# --------------------------------------------------------------------------
# Hand-written negatives.

SAME_TOPIC = {
    "en": [
        "Who are you voting for on Sunday? I still haven't decided, Tokayev's program looks vague to me.",
        "My whole family went to the polling station together this morning. Short queue, everything went fine.",
        "Salaries in the regions haven't kept up with prices. Qualifications don't help when there are no jobs.",
        "Stability is a nice word, but my rent went up by a third this year.",
        "Is the new Kazakhstan really different from the old one? Honest question, I want to see actual reforms.",
        "The President spoke about the economy today. Let's see what actually changes.",
        "Where can I find the official presidential election results by polling station?",
        "Four of us in my family are voting, and each of us decides for ourselves.",
        "I voted for Tokayev because I liked what he said about taxes for small business.",
        "I respect people who vote differently from me. That's what elections are for.",
        "If peace and stability depend on one man, the system is fragile.",
        "The Nurbots were exposed in 2017: fake profiles with stolen photos of random people.",
        "Twitter closed thousands of fake accounts, and the Sunday boycott hashtag went nowhere.",
        "Iraq's electronic army mass-reports journalists until their accounts get suspended.",
        "Remember #seruen, #menoiandym and #qazaqkoktemi in 2019? Young people just asked for fair elections.",
    ],
    "ru": [
        "За кого голосуете в воскресенье? Я пока не решила, программа Токаева мне не очень понятна.",
        "Сходили всей семьёй на участок, очередь небольшая, всё прошло спокойно.",
        "Зарплаты в регионах не успевают за ценами, и никакая квалификация не поможет, если нет работы.",
        "Стабильность — это хорошо, но аренда за год выросла на треть.",
        "Новый Казахстан пока очень похож на старый. Жду настоящих реформ, а не лозунгов.",
        "Президент сегодня говорил про экономику, посмотрим, что изменится на деле.",
        "Где посмотреть официальные итоги президентских выборов по участкам?",
        "Нас в семье четверо избирателей, и каждый решает сам.",
        "Я голосовала за Токаева, мне понравилось, что он говорил про налоги для малого бизнеса.",
        "Уважаю тех, кто голосует иначе. Для этого выборы и нужны.",
        "Если мир и спокойствие держатся на одном человеке, это хрупкая система.",
        "Нурботов в 2017-м вычислили по украденным фотографиям: чужие лица, выданные за казахстанцев.",
        "Twitter удалил тысячи фейковых аккаунтов, а воскресный бойкот так никто и не заметил.",
        "В Ираке «электронная армия» массово жалуется на журналистов, пока их аккаунты не заблокируют.",
        "#ОтПравдыНеУбежишь — в 2019 году этот хэштег видели все, молодёжь просила честных выборов.",
    ],
    "kk": [
        "Жексенбіде кімге дауыс бересіздер? Мен әлі шешкен жоқпын, Тоқаевтың бағдарламасы маған түсініксіз.",
        "Бүгін таңертең бүкіл отбасымызбен сайлау учаскесіне бардық, кезек аз болды, бәрі тыныш өтті.",
        "Аймақтарда жалақы бағаның өсуіне ілеспей жатыр, жұмыс болмаса, біліктілік те көмектеспейді.",
        "Тұрақтылық деген жақсы, бірақ пәтерақы бір жылда үштен бірге қымбаттады.",
        "Жаңа Қазақстан туралы көп айтылады, бірақ нақты реформаларды көргім келеді.",
        "Президент бүгін экономика туралы сөйледі, іс жүзінде не өзгеретінін көреміз.",
        "Президент сайлауының ресми қорытындысын учаскелер бойынша қайдан көруге болады?",
        "Біздің үйде төрт сайлаушы бар, әрқайсымыз өзіміз шешеміз.",
        "Мен Тоқаевқа дауыс бердім, шағын бизнеске салық туралы айтқаны ұнады.",
        "Басқаша дауыс беретін адамдарды құрметтеймін, сайлау сол үшін керек.",
        "Тыныштық пен тұрақтылық бір ғана адамға байланысты болса, ол жүйе әлсіз.",
        "Нұрботтарды 2017 жылы ұрланған суреттерінен әшкереледі.",
        "Twitter мыңдаған жалған аккаунтты жапты, ал жексенбідегі бойкотқа ешкім мән бермеді.",
        "2019 жылы #менояндым хэштегі бүкіл желіні аралап кетті, жастар әділ сайлау талап етті.",
        "Oyan, Qazaqstan белсенділерінің телефондары тыңдалғаны расталды, бұл өте қорқынышты.",
    ],
    "ar": [
        # Posts documented in 003 (critics of the Azmi cells) and the petition documented in 004.
        "تم إطلاق حملة على مستوى محلي قطري تقوده عدة حسابات قطرية معروفة من قبل القطريين، وأصحاب الحسابات بالأساس مشرفون على هذه المنظومات وذلك للتغطية على هذه المشكلة والإيحاء إلى الرأي العام بأن الحسابات التي تم إغلاقها هي حسابات قطرية وليست وهمية #مقاطعة_تويتر_الأحد_26",
        "#مقاطعة_تويتر_الأحد_26 الحصار الفاجر لتويتر مرفوض جملة وتفصيلاً.. يعيش تويتر المجد.",
        "القطريون: قاطعنا تويتر لمدة يوم واحد احتجاجا على شركة تويتر بسبب إغلاق حسابات قطرية تدافع عن بلادها بالشتم وبقلة أدب ونشر الإشاعات والكذب. وإدارة تويتر تتوسّل إليهم وتطلب منهم المعذرة والسماح وتتعهّد بعدم تكرار فعلتها.",
        "كلنا ندري أن من يقف وراء الحسابات التي تحاول أن تزعزع أمن وطننا هي حسابات قطرية وتستخدم من قبل أشخاص مغرر بهم أو بالأحرى من قبل قطريين.",
        "منذ 2011 تنتهج قطر نهج التخريب عبر منصة تويتر وعبر حسابات وهمية قطرية هدفها استهداف المجتمع السعودي بالتشكيك في سياسات السعودية واستغلال بعض القضايا الاجتماعية بإثارتها وتضخيمها، ومن يقود هذه الخلايا التخريبية هو عزمي بشارة.",
        "ندعو تويتر وفيسبوك وانستغرام إلى حظر حسابات قادة المليشيات المرتبطة بإيران ردًا على نشاطاتهم المحرضة على العنف.",
        "لمن ستصوتون يوم الأحد؟ ما زلت مترددًا، برنامج توكاييف غير واضح بالنسبة لي.",
        "ذهبت مع عائلتي إلى مركز الاقتراع صباح اليوم، وكان الطابور قصيرًا والحمد لله.",
        "الرواتب في المحافظات لا تواكب الأسعار، والمؤهلات وحدها لا تكفي إذا لم تتوفر وظائف.",
        "الاستقرار كلمة جميلة، لكن الإيجار ارتفع بمقدار الثلث هذا العام.",
        "هل كازاخستان الجديدة مختلفة فعلًا عن القديمة؟ سؤال جاد، أريد أن أرى إصلاحات حقيقية.",
        "الجيش الإلكتروني في العراق يبلّغ جماعيًا عن حسابات الصحفيين حتى يتم إغلاقها.",
        "أحترم من يصوت بشكل مختلف عني، فهذا هو معنى الانتخابات.",
        "نحن أربعة ناخبين في البيت، وكل واحد منا يقرر بنفسه.",
        "إذا كان الأمن والاستقرار معلقين برجل واحد فالنظام هش.",
        "#فضيحة_الحسابات_القطرية أُغلق ثمانية آلاف حساب وهمي دفعة واحدة، وبعد دقائق ظهرت حسابات جديدة تكرر الكلام نفسه #خلايا_عزمي",
    ],
    "zh": [
        "週日大家要投給誰？我還沒決定，托卡耶夫的政見對我來說不太清楚。",
        "今天早上全家一起去投票所，排隊的人不多，一切都很順利。",
        "地方的薪水跟不上物價，沒有工作機會的話，專業資格再高也沒用。",
        "穩定當然好，但今年房租漲了三分之一。",
        "新哈薩克斯坦跟舊的到底有什麼不同？真心想看到實際的改革。",
        "總統今天談到經濟，實際上會改變什麼，我們再看看。",
        "哪裡可以查到總統選舉各投票所的正式開票結果？",
        "我們家有四個選民，每個人都自己決定投給誰。",
        "我投給了托卡耶夫，因為我喜歡他對小企業減稅的說法。",
        "我尊重投票選擇跟我不同的人，這就是選舉的意義。",
        "如果和平與穩定只靠一個人撐著，這個體制其實很脆弱。",
        "政府說斷網是為了維護和平與穩定，可是網路一斷，大家連家人都聯絡不上。",
        "2016年反土地改革抗議期間，很多人連不上社群網站，電信公司只說是技術問題。",
        "推特關閉了幾千個假帳號，結果週日抵制推特的標籤根本沒人理。",
        "伊拉克的電子軍會集體檢舉記者的帳號，直到帳號被停用為止。",
    ],
}

# {q}: the quoted line as posted; {q-}: without its final full stop (the frame's own punctuation follows).
CRITIC_FRAMES = {
    "en": [
        'Bots again: "{q}" Nobody believes this.',
        "Fifty accounts posted exactly this within an hour: “{q}” Reported all of them.",
        'Same comment under every official post: "{q}" Who writes this stuff?',
        "“{q}” Word for word, from accounts with stolen profile photos.",
        'My aunt asked me if "{q-}" is true. It is copy-paste from fake profiles, not anyone\'s opinion.',
        "Screenshot for the archive, the bots are pushing “{q-}” again today.",
    ],
    "ru": [
        "Опять боты: «{q-}». Никто в это не верит.",
        "Под каждым постом одно и то же: «{q-}». Хоть бы текст поменяли.",
        "«{q-}» — слово в слово, с аккаунтов с украденными фотографиями.",
        "Нурботы вернулись, сегодня у них в методичке «{q-}». Жалуемся, друзья.",
        "Мама спросила, правда ли, что «{q-}». Это копипаста фейковых профилей, а не чьё-то мнение.",
        "Пятьдесят аккаунтов за час написали «{q-}». Смешно.",
    ],
    "kk": [
        "Тағы боттар: «{q-}». Бұған ешкім сенбейді.",
        "Әр жазбаның астында бір сөз: «{q-}». Ең болмаса мәтінін өзгертсе етті.",
        "«{q-}» — ұрланған суреттері бар аккаунттардан сөзбе-сөз көшірілген.",
        "Нұрботтар қайта шықты, бүгінгі әдістемесі: «{q-}». Шағымданайық, достар.",
        "Апам «{q-}» деген рас па деп сұрады. Бұл жалған профильдердің көшірмесі, ешкімнің пікірі емес.",
        "Бір сағатта елу аккаунт «{q-}» деп жазды. Күлкілі.",
    ],
    "ar": [
        "عادت الحسابات الوهمية: «{q-}». لا أحد يصدق هذا.",
        'نفس التعليق تحت كل منشور: "{q-}" نسخ ولصق بلا خجل.',
        "«{q-}» بالحرف الواحد، من حسابات بصور مسروقة.",
        'خمسون حسابًا نشرت خلال ساعة: "{q-}" وقد بلّغت عنها كلها.',
        "سألتني أمي عن تعليق «{q-}» هل هو صحيح؟ إنه نسخ ولصق من حسابات مزيفة وليس رأي أحد.",
        "الذباب الإلكتروني يكرر اليوم: «{q-}». احفظوا لقطة شاشة للأرشيف.",
    ],
    "zh": [
        "又是機器人：「{q}」沒有人會相信。",
        "每則貼文底下都是同一句「{q-}」，連標點都一樣。",
        "「{q}」一字不差，全是用盜來的頭像開的帳號。",
        "一小時內五十個帳號都貼了「{q-}」，我全部檢舉了。",
        "我媽問我「{q-}」這句話是真的嗎？這是假帳號複製貼上的，不是誰的意見。",
        "網軍今天又在洗「{q-}」，截圖存證。",
    ],
}

SHORT_GENERIC = {
    "en": ["I agree", "👍", "Thanks", "Right", "Yes", "+1", "Exactly", "ok 👌"],
    "ru": ["Да", "Согласен", "Спасибо", "Верно", "👍👍", "+", "Точно", "Ага 👌"],
    "kk": ["Иә", "Келісемін", "Рахмет", "Дұрыс", "👏", "Әрине", "Иә, солай", "Жарайды 👌"],
    "ar": ["نعم", "صح", "شكرا", "أكيد", "🤝", "تمام", "بالضبط", "آمين 🤲"],
    "zh": ["對", "同意", "謝謝", "是的", "👍🏻", "沒錯", "推", "讚 👌"],
}

UNRELATED = {
    "en": [
        "Rain all day in Almaty again, take an umbrella.",
        "What a match! Kairat scored in the 90th minute.",
        "Beshbarmak: boil the beef for two hours, add onion and carrots, serve on thin homemade noodles with the broth on the side.",
        "Does anyone know a good washing machine repairman in Astana?",
        "Snow forecast for the weekend, the road to Shymbulak may be closed.",
        "Barcelona lost again, I can't believe it.",
        "Grandma's baursaks: flour, milk, yeast, a pinch of sugar, fry in hot oil until golden.",
        "Lost a black cat near the Green Bazaar, please call if you see him.",
        "We drove to Lake Kaindy last weekend. The water is turquoise and the sunken spruces really do stick out of it. The road is rough, so take a car with high clearance and leave early, it gets crowded by noon.",
        "Heat wave until Thursday, 38 degrees in Shymkent.",
        "Who's watching the Champions League final tonight?",
        "Best plov in town?",
    ],
    "ru": [
        "В Алматы опять весь день дождь, берите зонты.",
        "Вот это матч! Кайрат забил на 90-й минуте.",
        "Бешбармак: варим говядину два часа, добавляем лук и морковь, подаём на тонкой домашней лапше, бульон отдельно.",
        "Кто знает хорошего мастера по ремонту стиральных машин в Астане?",
        "На выходные обещают снег, дорогу на Шымбулак могут закрыть.",
        "Барса опять проиграла, не верю.",
        "Бабушкины баурсаки: мука, молоко, дрожжи, щепотка сахара, жарить в горячем масле до золотистого цвета.",
        "Потерялся чёрный кот возле Зелёного базара, если увидите, позвоните, пожалуйста.",
        "Ездили на выходных на озеро Каинды. Вода бирюзовая, из неё торчат затопленные ели. Дорога плохая, нужна машина повыше, и выезжайте пораньше, к обеду там толпа.",
        "До четверга жара, в Шымкенте +38.",
        "Кто сегодня смотрит финал Лиги чемпионов?",
        "Где в городе самый вкусный плов?",
    ],
    "kk": [
        "Алматыда тағы күні бойы жаңбыр, қолшатыр ала жүріңіздер.",
        "Қандай ойын! Қайрат 90-минутта гол соқты.",
        "Бешбармақ: сиыр етін екі сағат қайнатамыз, пияз бен сәбіз қосамыз, жұқа жайылған қамырмен береміз, сорпасын бөлек құямыз.",
        "Астанада кір жуғыш машина жөндейтін жақсы шебер білетіндер бар ма?",
        "Демалыс күндері қар жауады екен, Шымбұлаққа баратын жол жабылуы мүмкін.",
        "Барселона тағы жеңілді, сенбеймін.",
        "Әжемнің бауырсағы: ұн, сүт, ашытқы, бір шымшым қант, қызған майда қызарғанша қуырамыз.",
        "Көк базардың жанында қара мысық жоғалып кетті, көрсеңіздер хабарласыңыздаршы.",
        "Демалыста Қайыңды көліне бардық. Суы көкпеңбек, ішінен суға батқан шыршалар көрініп тұр. Жолы нашар, биік машинамен барған дұрыс, ерте шығыңыздар, түске қарай адам көп болады.",
        "Бейсенбіге дейін ыстық, Шымкентте +38.",
        "Бүгін Чемпиондар лигасының финалын кім көреді?",
        "Қаладағы ең дәмді палау қай жерде?",
    ],
    "ar": [
        "أمطار طوال اليوم في بغداد، لا تنسوا المظلات.",
        "يا لها من مباراة! الزوراء سجل في الدقيقة 90.",
        "طريقة المندي: نتبل الدجاج بالبهارات ونطبخه فوق الأرز على نار هادئة ساعتين، ثم ندخنه بقطعة فحم قبل التقديم.",
        "هل يعرف أحد فني تكييف ممتاز في الدوحة؟",
        "الأرصاد تتوقع غبارًا كثيفًا نهاية الأسبوع، انتبهوا على الطرق.",
        "برشلونة خسر مرة أخرى، لا أصدق.",
        "اللقيمات: طحين وخميرة وسكر وماء دافئ، تُقلى في الزيت حتى تصبح ذهبية ثم تُسقى بالدبس.",
        "ضاعت قطة سوداء قرب السوق المركزي، من يجدها يتصل بي من فضلكم.",
        "سافرنا في الإجازة إلى صلالة، والجو هناك في موسم الخريف رائع: ضباب خفيف ومطر ناعم وخضرة في كل مكان. ننصح بالحجز مبكرًا لأن الفنادق تمتلئ بسرعة.",
        "حر شديد حتى الخميس، 48 درجة في البصرة.",
        "من سيتابع نهائي دوري أبطال أوروبا الليلة؟",
        "وين أطيب مندي في المدينة؟",
    ],
    "zh": [
        "台北今天又下了一整天的雨，出門記得帶傘。",
        "這場比賽太精彩了！最後一分鐘絕殺！",
        "手抓肉做法：牛肉燉兩小時，加洋蔥和紅蘿蔔，鋪在手工寬麵上，肉湯另外盛一碗。",
        "有人知道附近哪裡有修洗衣機的師傅嗎？",
        "週末寒流來襲，山上可能會下雪。",
        "巴薩又輸了，真不敢相信。",
        "奶奶的炸麵包做法：麵粉、牛奶、酵母、一小撮糖，放進熱油裡炸到金黃。",
        "在菜市場附近走失一隻黑貓，如果看到請聯絡我，謝謝。",
        "上週末去了阿拉木圖附近的凱恩迪湖，湖水是藍綠色的，水裡還能看到一棵棵沉沒的雲杉。山路很顛簸，建議開底盤高的車，早點出發，中午以後人就很多了。",
        "高溫一直持續到星期四，體感溫度超過38度。",
        "今晚有人要看歐冠決賽嗎？",
        "市區哪家滷肉飯最好吃？",
    ],
}

# --------------------------------------------------------------------------
# Evasions. Each takes (text, ctx) and returns the changed text.

_SENTENCE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])(?=[^。！？])")
_INVISIBLE = set(ZERO_WIDTH) | set(BIDI_SINGLE) | {c for pair in BIDI_WRAP for c in pair} | {"\ufe0f"}


class Ctx:
    def __init__(self, rng: random.Random, lang: str, family: str) -> None:
        self.rng, self.lang, self.family = rng, lang, family
        self.group = "gulf" if family in GULF_FAMILIES else "kz"


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(text) if s]


def join(parts: list[str], lang: str) -> str:
    return ("" if lang == "zh" else " ").join(parts)


def swap_sentences(text: str, lang: str) -> str | None:
    parts = sentences(text)
    return join(parts[1:] + parts[:1], lang) if len(parts) >= 2 else None


def _inner_positions(text: str) -> list[int]:
    """Positions between two letters of a word (or two ideographs)."""
    return [i for i in range(1, len(text)) if text[i - 1].isalpha() and text[i].isalpha()]


def embedded(text: str, ctx: Ctx) -> str:
    rng = ctx.rng
    mode = rng.randrange(3)
    before, after = rng.choice(CHATTER_BEFORE[ctx.lang]), rng.choice(CHATTER_AFTER[ctx.lang])
    sep = rng.choice([" ", "\n", "\n\n"])
    if mode == 0:
        return before + sep + text
    if mode == 1:
        return text + sep + after
    return before + sep + text + rng.choice([" ", "\n"]) + after


def zero_width(text: str, ctx: Ctx) -> str:
    rng = ctx.rng
    chars = list(text)
    positions = _inner_positions(text)
    pool = ZERO_WIDTH + ["\ufe0f"] if rng.random() < 0.3 else ZERO_WIDTH
    for p in sorted(rng.sample(positions, min(len(positions), rng.randint(3, 8))), reverse=True):
        chars.insert(p, rng.choice(pool) * rng.choice([1, 1, 2]))
    return "".join(chars)


def bidi(text: str, ctx: Ctx) -> str:
    rng = ctx.rng
    words = text.split(" ") if ctx.lang != "zh" else None
    if words and len(words) >= 4 and rng.random() < 0.5:
        # wrap a few words in embeddings / overrides / isolates
        for i in sorted(rng.sample(range(len(words)), min(len(words), rng.randint(1, 3)))):
            start, end = rng.choice(BIDI_WRAP)
            words[i] = start + words[i] + end
        text = " ".join(words)
        return rng.choice(BIDI_SINGLE) + text
    chars = list(text)
    positions = _inner_positions(text) + [i for i, c in enumerate(text) if c == " "]
    for p in sorted(rng.sample(positions, min(len(positions), rng.randint(3, 6))), reverse=True):
        if rng.random() < 0.7:
            chars.insert(p, rng.choice(BIDI_SINGLE))
        else:
            start, end = rng.choice(BIDI_WRAP)
            chars.insert(p, start + end)
    return "".join(chars)


def emoji(text: str, ctx: Ctx) -> str:
    rng = ctx.rng
    pool = EMOJI[ctx.group]
    pick = lambda n: "".join(rng.choice(pool) for _ in range(n))  # noqa: E731
    mode = rng.randrange(4)
    if mode == 0:
        return pick(rng.randint(1, 3)) + " " + text + " " + pick(rng.randint(1, 3))
    if mode == 1:
        parts = sentences(text)
        return join([p + " " + pick(rng.randint(1, 2)) for p in parts], ctx.lang)
    if mode == 2:
        decor = rng.choice(DECOR)
        return decor + " " + text + " " + decor
    words = text.split(" ")
    if ctx.lang == "zh" or len(words) < 4:
        return pick(2) + text + pick(2)
    for i in sorted(rng.sample(range(1, len(words)), 2), reverse=True):
        words.insert(i, pick(1))
    return " ".join(words) + " " + pick(1)


def hashtag_mention(text: str, ctx: Ctx) -> str:
    rng = ctx.rng
    tags = rng.sample(HASHTAGS[ctx.group][ctx.lang], rng.randint(1, min(3, len(HASHTAGS[ctx.group][ctx.lang]))))
    mention = rng.choice(MENTIONS[ctx.group])
    mode = rng.randrange(3)
    if mode == 0:
        return text + " " + " ".join(tags)
    if mode == 1:
        return mention + " " + text + " " + " ".join(tags)
    return " ".join(tags) + "\n" + text + "\n" + mention


def _repeat_punctuation(text: str, ctx: Ctx) -> str:
    rng = ctx.rng
    if ctx.lang == "zh":
        return re.sub(r"[。！]", lambda m: rng.choice(["！！！", "。。。", "！！", "!!!"]), text)
    return re.sub(r"[.!](?=\s|$)", lambda m: rng.choice(["!!!", "...", "!!", "!!1", "!!!!"]), text)


def _extra_spaces(text: str, ctx: Ctx) -> str:
    rng = ctx.rng
    if ctx.lang == "zh":
        chars = list(text)
        spots = [
            i for i in range(1, len(chars)) if "\u3000" <= chars[i - 1] <= "\uffef" and "\u3000" <= chars[i] <= "\uffef"
        ]
        for p in sorted(rng.sample(spots, min(len(spots), rng.randint(2, 5))), reverse=True):
            chars.insert(p, " " * rng.randint(1, 2))
        return "".join(chars)
    out = re.sub(r" ", lambda m: " " * rng.choice([1, 1, 2, 3]), text)
    out = re.sub(r"(?<=\w)([,.!،])", lambda m: (" " if rng.random() < 0.5 else "") + m.group(1), out)
    return "  " + out + "   " if rng.random() < 0.3 else out


def _line_breaks(text: str, ctx: Ctx) -> str:
    rng = ctx.rng
    out = re.sub(
        r"(?<=[.!?。！？,，،])(?![.!?。！？,，،])\s*", lambda m: rng.choice(["\n", "\n\n", " \n"]), text
    ).rstrip()
    if out == text.rstrip():
        words = text.split(" ")
        i = rng.randrange(1, len(words)) if len(words) > 1 else 0
        out = " ".join(words[:i]) + "\n" + " ".join(words[i:]) if i else "\n" + text
    return out


def _upper(text: str, ctx: Ctx) -> str:
    return text.upper()


def _mixed_case(text: str, ctx: Ctx) -> str:
    rng = ctx.rng
    return "".join(c.upper() if c.isalpha() and rng.random() < 0.45 else c.lower() for c in text)


def _title_case(text: str, ctx: Ctx) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))


def case_spacing(text: str, ctx: Ctx) -> str:
    rng = ctx.rng
    spacing = [_extra_spaces, _line_breaks, _repeat_punctuation]
    if ctx.lang in ("ar", "zh"):
        ops = rng.sample(spacing, 2)
    else:
        ops = [rng.choice([_upper, _mixed_case, _title_case]), rng.choice(spacing)]
    for op in ops:
        text = op(text, ctx)
    return text


def typo(text: str, ctx: Ctx) -> str:
    rng = ctx.rng
    if ctx.lang == "zh":
        options = [(a, b) for a, b in ZH_TYPOS if a in text]
        if not options:  # no homophone slip at hand: one character typed twice
            i = rng.choice([i for i, c in enumerate(text) if "\u4e00" <= c <= "\u9fff"])
            return text[: i + 1] + text[i:]
        a, b = rng.choice(options[:-1] if len(options) > 1 else options)
        i = rng.choice([m.start() for m in re.finditer(re.escape(a), text)])
        return text[:i] + b + text[i + len(a) :]
    words = [m for m in re.finditer(r"(?<![#@\w])[^\W\d_]{5,}", text)]
    m = rng.choice(words)
    w = m.group(0)
    op = rng.randrange(3)
    i = rng.randrange(1, len(w) - 2)
    if op == 0 and w[i] != w[i + 1]:
        new = w[:i] + w[i + 1] + w[i] + w[i + 2 :]  # two letters swapped
    elif op == 1:
        new = w[:i] + w[i + 1 :]  # a letter dropped
    else:
        new = w[: i + 1] + w[i] + w[i + 1 :]  # a letter doubled
    return text[: m.start()] + new + text[m.end() :]


def _kangxi_map() -> dict[str, str]:
    """Ideograph → its Kangxi radical or CJK compatibility look-alike (same glyph, another code point)."""
    table: dict[str, str] = {}
    for code in list(range(0x2F00, 0x2FD6)) + list(range(0xF900, 0xFB00)):
        char = chr(code)
        plain = unicodedata.normalize("NFKC", char)
        if plain != char and len(plain) == 1:
            table.setdefault(plain, char)
    return table


KANGXI = _kangxi_map()


def lookalike(text: str, ctx: Ctx) -> str:
    rng = ctx.rng
    if ctx.lang == "zh":
        table = KANGXI
        rate = 0.8
    elif ctx.lang == "en":
        table = LATIN_TO_GREEK if rng.random() < 0.3 else LATIN_TO_CYRILLIC
        rate = 0.35
    else:
        table = CYRILLIC_TO_LATIN
        rate = 0.35
    chars = list(text)
    eligible = [i for i, c in enumerate(chars) if c in table and not _in_tag(text, i)]
    if not eligible:
        raise ValueError(f"no look-alike for {text!r}")
    chosen = [i for i in eligible if rng.random() < rate] or rng.sample(eligible, min(2, len(eligible)))
    for i in chosen:
        chars[i] = table[chars[i]]
    return "".join(chars)


def _in_tag(text: str, i: int) -> bool:
    """Whether position i is inside a hashtag or @mention (left alone: those are names)."""
    start = max(text.rfind(" ", 0, i), text.rfind("\n", 0, i)) + 1
    return text[start : start + 1] in ("#", "@")


_AR_LETTER = re.compile(r"[\u0621-\u064a]")
_AR_HARAKAT = ["\u064e", "\u064f", "\u0650", "\u0652", "\u064b", "\u064d"]
_AR_NON_JOINING = set("اأإآدذرزوؤةىء")


def _harakat(text: str, rng: random.Random) -> str:
    out = []
    for i, c in enumerate(text):
        out.append(c)
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if _AR_LETTER.fullmatch(c) and c not in "اىوي" and nxt and _AR_LETTER.fullmatch(nxt) and rng.random() < 0.55:
            # the vowel a long vowel calls for (fatha before alef, damma before waw, kasra before yeh), else any
            mark = {"ا": "\u064e", "و": "\u064f", "ي": "\u0650"}.get(nxt) or rng.choice(_AR_HARAKAT[:4])
            out.append("\u0651" + mark if rng.random() < 0.08 else mark)
    return "".join(out)


def _tatweel(text: str, rng: random.Random) -> str:
    chars = list(text)
    spots = [
        i
        for i in range(1, len(chars))
        if _AR_LETTER.fullmatch(chars[i - 1])
        and chars[i - 1] not in _AR_NON_JOINING
        and _AR_LETTER.fullmatch(chars[i])
        and chars[i] != "ء"
    ]
    for p in sorted(rng.sample(spots, min(len(spots), rng.randint(2, 4))), reverse=True):
        chars.insert(p, "ـ" * rng.randint(1, 4))
    return "".join(chars)


def _alef(text: str, rng: random.Random) -> str:
    if re.search("[أإآ]", text):
        return re.sub("[أإآ]", "ا", text)
    # the reverse slip: a hamza on a bare initial alef (إحتجاجا, إختار)
    return re.sub(r"(?<![\w\u064b-\u0652])ا(?!ل)", "إ", text)


def _yeh(text: str, rng: random.Random) -> str:
    return re.sub(r"[يى](?=\W|$)", lambda m: "ى" if m.group(0) == "ي" else "ي", text)


def _teh(text: str, rng: random.Random) -> str:
    return re.sub(r"ة(?=\W|$)", "ه", text)


def _persian(text: str, rng: random.Random) -> str:
    return text.replace("ي", "ی").replace("ى", "ی").replace("ك", "ک")


def arabic_marks(text: str, ctx: Ctx, style: str | None = None) -> str:
    rng = ctx.rng
    style = style or rng.choice(["vowels", "letters"])
    if style == "vowels":
        out = _harakat(text, rng)
        return _tatweel(out, rng) if rng.random() < 0.6 else out
    ops = [_alef, _yeh, _teh, _persian]
    for _ in range(20):
        out = text
        for op in rng.sample(ops, rng.randint(2, 3)):
            out = op(out, rng)
        if out != text:
            return out
    raise ValueError(f"no Arabic letter variant for {text!r}")


def to_simplified(text: str) -> str:
    # 著想 is 着想 in Simplified writing (著 alone stays, as in 著名)
    return "".join(T2S.get(c, c) for c in text).replace("著想", "着想")


def halfwidth_punctuation(text: str) -> str:
    return text.translate(
        str.maketrans({"，": ", ", "。": ". ", "！": "! ", "？": "? ", "：": ": ", "、": ", "})
    ).strip()


def kk_latin(text: str, style: str) -> str:
    if style == "mixed":
        parts = sentences(text)
        return join([kk_latin(parts[0], "2021")] + parts[1:], "kk")
    table = KK_2021 if style == "2021" else KK_INFORMAL
    out = []
    for c in text:
        if c in table:
            out.append(table[c])
        elif c.lower() in table:
            if style == "2021" and c in KK_2021_UPPER:
                out.append(KK_2021_UPPER[c])
            else:
                latin = table[c.lower()]
                out.append(latin[:1].upper() + latin[1:])
        else:
            out.append(c)
    return "".join(out)


def other_digits(text: str, script: str) -> str:
    return text.translate(str.maketrans("0123456789", DIGITS[script]))


MODIFIERS = {
    "typo": typo,
    "case_spacing": case_spacing,
    "lookalike": lookalike,
    "arabic_marks": arabic_marks,
    "embedded": embedded,
    "hashtag_mention": hashtag_mention,
    "emoji": emoji,
    "zero_width": zero_width,
    "bidi": bidi,
}
COMBINE_ORDER = list(MODIFIERS)
ROTATING = ["lookalike", "zero_width", "bidi", "hashtag_mention", "case_spacing"]


# --------------------------------------------------------------------------
# Building the set.


def load_jsonl(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                sys.exit(f"{path}:{n}: {e}")
    return rows


def build(templates: dict[tuple[str, str], str], bank: dict[str, list[str]], rng: random.Random) -> list[dict]:
    rows: list[dict] = []

    def add(text: str, lang: str, family: str | None, case: str) -> None:
        rows.append({"text": text, "lang": lang, "family": family, "case": case})

    for li, lang in enumerate(LANGS):
        # ---- positives
        for fi, family in enumerate(FAMILIES):
            ctx = Ctx(rng, lang, family)
            tpl = templates[(family, lang)]
            expansions = EXPANSIONS.get(family, {}).get(lang, [((), ())])
            texts = [expand(tpl, p, f) for p, f in expansions]
            canonical = texts[0]
            add(canonical, lang, family, "exact")
            for text in texts[1:]:
                add(text, lang, family, "slot_swap")
            add(embedded(rng.choice(texts), ctx), lang, family, "embedded")
            add(SYNONYM[family][lang], lang, family, "synonym")
            swapped = swap_sentences(canonical, lang)
            for text in ([swapped] if swapped else []) + ([WORD_ORDER[family][lang]] if family in WORD_ORDER else []):
                add(text, lang, family, "word_order")
            add(emoji(rng.choice(texts), ctx), lang, family, "emoji")
            add(typo(canonical, ctx), lang, family, "typo")
            rotating = [c for c in ROTATING if not (lang == "ar" and c == "lookalike")]
            p = li * len(FAMILIES) + fi
            for j in range(3):
                case = rotating[(p + j) % len(rotating)]
                add(MODIFIERS[case](rng.choice(texts), ctx), lang, family, case)
            # combined: two or three evasions on one text
            pool = [
                c
                for c in COMBINE_ORDER
                if not (c == "lookalike" and lang == "ar") and not (c == "arabic_marks" and lang != "ar")
            ]
            for _ in range(1):
                base = rng.choice(texts + [SYNONYM[family][lang]] + ([swapped] if swapped else []))
                chosen = set(rng.sample(pool, rng.choice([2, 3, 3])))
                text = base
                for case in COMBINE_ORDER:
                    if case in chosen:
                        text = MODIFIERS[case](text, ctx)
                add(text, lang, family, "combined")
            # digits in other scripts
            if family == "kz2022-choice":
                picks = expansions[0][0]
                scripts = list(DIGITS)
                for script in (scripts[li % 3], scripts[(li + 1) % 3]):
                    n = rng.choice([4, 5])
                    fill = DIGIT_FILL[lang][n - 4].format(d=DIGITS[script][n])
                    add(expand(tpl, picks, (fill,)), lang, family, "digits")
            if family == "gulf-boycott26":
                add(other_digits(canonical, list(DIGITS)[(li + 2) % 3]), lang, family, "digits")
            # script-specific
            if lang == "ar":
                add(arabic_marks(canonical, ctx, "vowels"), lang, family, "arabic_marks")
                add(arabic_marks(rng.choice(texts), ctx, "letters"), lang, family, "arabic_marks")
            if lang == "zh":
                add(to_simplified(canonical), lang, family, "trad_simp")
                other = rng.choice(texts[1:] + [SYNONYM[family]["zh"]])
                if fi % 2:
                    add(halfwidth_punctuation(to_simplified(other)), lang, family, "trad_simp")
                else:
                    parts = sentences(other)
                    mixed = (
                        join([to_simplified(parts[0])] + parts[1:], "zh")
                        if len(parts) > 1
                        else to_simplified(other).replace("，", ",")
                    )
                    add(mixed, lang, family, "trad_simp")
            if lang == "kk":
                add(kk_latin(canonical, "2021"), lang, family, "kk_latin")
                second = rng.choice(texts)
                style = ["informal", "mixed"][fi % 2] if len(sentences(second)) > 1 else "informal"
                add(kk_latin(second, style), lang, family, "kk_latin")

        # ---- negatives
        for text in SAME_TOPIC[lang]:
            add(text, lang, None, "neg_same_topic")
        frames = CRITIC_FRAMES[lang]
        for i in range(12):
            family = FAMILIES[i % len(FAMILIES)]
            tpl = templates[(family, lang)]
            expansions = EXPANSIONS.get(family, {}).get(lang, [((), ())])
            quoted = expand(tpl, *expansions[i % len(expansions)])
            if i >= len(FAMILIES) and len(sentences(quoted)) > 1:
                quoted = sentences(quoted)[0]  # only the first sentence quoted
            frame = frames[i % len(frames)]
            add(frame.replace("{q-}", quoted.rstrip(".。")).replace("{q}", quoted), lang, None, "neg_critic_quote")
        for text in SHORT_GENERIC[lang]:
            add(text, lang, None, "neg_generic_short")
        for i, text in enumerate(rng.sample([t for t in bank[lang] if t not in SHORT_GENERIC[lang]], 7)):
            if i % 2:
                text = text + " " + rng.choice(["👍", "🙏", "❤️", "👏👏", "🌹", "🎉", "😊", "✨"])
            add(text, lang, None, "neg_generic_short")
        for text in UNRELATED[lang]:
            add(text, lang, None, "neg_unrelated")
    return rows


# --------------------------------------------------------------------------
# Checks.

_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"|「[^」]*」")


def visible(text: str) -> str:
    return "".join(c for c in text if c not in _INVISIBLE)


def check(rows: list[dict], templates: dict[tuple[str, str], str]) -> list[str]:
    problems = []
    regexes = {key: template_regex(t) for key, t in templates.items()}
    # each sentence of each template on its own: a negative must not carry any of them outside quotation marks
    pieces = [template_regex(s.rstrip(".。")) for t in templates.values() for s in sentences(t) if len(s) > 12]
    families = {f for f, _ in templates}
    seen: set[str] = set()
    for n, row in enumerate(rows, 1):
        text, lang, family, case = row["text"], row["lang"], row["family"], row["case"]
        where = f"line {n} ({lang} {case})"
        if set(row) != {"text", "lang", "family", "case"} or lang not in LANGS or not text.strip():
            problems.append(f"{where}: malformed row {row!r}")
        if family is not None and family not in families:
            problems.append(f"{where}: unknown family {family!r}")
        if (family is None) != case.startswith("neg_"):
            problems.append(f"{where}: family {family!r} does not fit case {case!r}")
        if text in seen:
            problems.append(f"{where}: duplicate text {text!r}")
        seen.add(text)
        if case in ("exact", "slot_swap") and not regexes[(family, lang)].fullmatch(text):
            problems.append(f"{where}: does not expand the {family} template: {text!r}")
        if case == "neg_critic_quote":
            if not _QUOTED.search(text) or not any(
                r.search(q.group(0)) for q in _QUOTED.finditer(text) for r in pieces
            ):
                problems.append(f"{where}: no quoted template in {text!r}")
            outside = _QUOTED.sub(" ", text)
        else:
            outside = text
        if family is None:
            hits = [r.pattern for r in pieces if r.search(outside)]
            if hits:
                problems.append(f"{where}: a negative carries a template sentence outside quotation marks: {text!r}")
        elif case not in ("exact", "slot_swap") and text == templates[(family, lang)]:
            problems.append(f"{where}: not changed by the evasion")
        if (
            lang == "kk"
            and case != "kk_latin"
            and family is not None
            and re.search(r"[äğıñöşūüç]", visible(text).lower())
        ):
            problems.append(f"{where}: Kazakh Latin letters outside kk_latin")
    by_lang_family = Counter((r["lang"], r["family"]) for r in rows if r["family"])
    for lang in LANGS:
        for family in FAMILIES:
            if by_lang_family[(lang, family)] < 8:
                problems.append(f"{lang}/{family}: only {by_lang_family[(lang, family)]} positives")
        for case in NEGATIVE_CASES:
            if not any(r["lang"] == lang and r["case"] == case for r in rows):
                problems.append(f"{lang}: no {case}")
    return problems


def check_inputs(templates_rows: list[dict], bank_rows: list[dict]) -> dict[tuple[str, str], str]:
    templates: dict[tuple[str, str], str] = {}
    for row in templates_rows:
        missing = {"family", "lang", "label", "text", "source"} - set(row)
        if missing:
            sys.exit(f"starter pack: {row} lacks {sorted(missing)}")
        templates[(row["family"], row["lang"])] = row["text"]
    for family in FAMILIES:
        for lang in LANGS:
            if (family, lang) not in templates:
                sys.exit(f"starter pack: no {lang} template for {family}")
    counts = Counter(row["lang"] for row in bank_rows)
    for lang in LANGS:
        if counts[lang] < 8:
            sys.exit(f"negative bank: only {counts[lang]} {lang} texts")
    return templates


def report(rows: list[dict]) -> None:
    cases = list(dict.fromkeys(r["case"] for r in rows if r["family"])) + list(NEGATIVE_CASES)
    table = Counter((r["case"], r["lang"]) for r in rows)
    print(f"{'case':<18}" + "".join(f"{lang:>6}" for lang in LANGS) + f"{'all':>7}")
    for case in cases:
        print(
            f"{case:<18}"
            + "".join(f"{table[(case, lang)]:>6}" for lang in LANGS)
            + f"{sum(table[(case, lang)] for lang in LANGS):>7}"
        )
    positives = sum(1 for r in rows if r["family"])
    per_lang = Counter(r["lang"] for r in rows)
    print(f"{'total':<18}" + "".join(f"{per_lang[lang]:>6}" for lang in LANGS) + f"{len(rows):>7}")
    print(
        f"positives {positives} ({positives / len(rows):.0%}), negatives {len(rows) - positives} ({(len(rows) - positives) / len(rows):.0%})"
    )


def main() -> None:
    templates = check_inputs(load_jsonl(TEMPLATES), bank_rows := load_jsonl(BANK))
    bank: dict[str, list[str]] = defaultdict(list)
    for row in bank_rows:
        bank[row["lang"]].append(row["text"])
    rows = build(templates, bank, random.Random(SEED))
    problems = check(rows, templates)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(f"{len(problems)} problem(s); {OUT.name} not written")
    with OUT.open("w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    for _n, line in enumerate(OUT.read_text(encoding="utf-8").splitlines(), 1):
        json.loads(line)  # every line parses
    report(rows)
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
