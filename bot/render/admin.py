"""What moderators read about the team and the record: statistics, the audit log, the team, the template bank."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import groupby

from bot.core.accounts import Platform
from bot.core.audit import AuditAction
from bot.core.cases import CaseStatus, Role
from bot.core.digest import DigestStatus
from bot.core.templates import Template, labels_by_family
from bot.core.text import excerpt
from bot.i18n import N_, Translator
from bot.images.matcher import ImageKind
from bot.render import number, user_text
from bot.render.moderation import REASON_NAMES, moderator_name
from bot.service.roles import AuditPage, Member
from bot.service.stats import ModerationStats
from bot.store.audit import AuditEntry
from bot.store.images import BankedImage
from bot.store.stats import Counts

# The name maps are keyed by str: the audit log stores the enums' values, and a StrEnum member is its value.
ROLE_NAMES: dict[str, str] = {Role.MODERATOR: N_("moderator"), Role.ADMIN: N_("admin")}

ACTION_NAMES: dict[str, str] = {
    AuditAction.VOTE_VERIFY: N_("voted to verify"),
    AuditAction.VOTE_WITHDRAW: N_("withdrew a vote"),
    AuditAction.CASE_VERIFY: N_("case verified"),
    AuditAction.CASE_REJECT: N_("rejected a case"),
    AuditAction.CASE_REOPEN: N_("reopened a case"),
    AuditAction.CASE_UNDO_REJECT: N_("undid a reject"),
    AuditAction.CASE_CLAIMED: N_("took a case on"),
    AuditAction.CASE_RELEASED: N_("released a case"),
    AuditAction.ACCOUNT_PROTECT: N_("protected an account from a report brigade"),
    AuditAction.TEMPLATE_ADD: N_("added a template"),
    AuditAction.TEMPLATE_DRAFT: N_("started a template from a case"),
    AuditAction.TEMPLATE_DRAFT_EDIT: N_("corrected a template draft"),
    AuditAction.TEMPLATE_ENABLE: N_("enabled a template"),
    AuditAction.TEMPLATE_DISABLE: N_("disabled a template"),
    AuditAction.TEMPLATE_LABEL: N_("labelled a template's campaign"),
    AuditAction.TEMPLATE_LEARN: N_("a template family learned a case's text"),
    AuditAction.SUGGESTION_SAME: N_("confirmed a suggested campaign"),
    AuditAction.SUGGESTION_DIFFERENT: N_("answered that a suggested campaign is a different one"),
    AuditAction.NEGATIVE_ADD: N_("added to the negative bank"),
    AuditAction.IMAGE_CAMPAIGN: N_("made a picture a known campaign image"),
    AuditAction.IMAGE_COMMON: N_("added a picture to the common-picture bank"),
    AuditAction.IMAGE_REMOVE: N_("took a picture out of the image bank"),
    AuditAction.ROLE_ADD: N_("gave a role"),
    AuditAction.ROLE_REMOVE: N_("took a role away"),
    AuditAction.ALIAS_NAME_SHOWN: N_("chose to be shown by their Telegram name"),
    AuditAction.ALIAS_NAME_HIDDEN: N_("chose to be shown by their alias"),
    AuditAction.DIGEST_PUBLISH: N_("published a digest"),
    AuditAction.DIGEST_DISCARD: N_("set a digest draft aside"),
}

SUBJECT_NAMES = {
    "template": N_("template #{number}"),
    "negative": N_("common phrase #{number}"),
    "image": N_("picture #{number}"),
    "role": N_("user {number}"),
}
"""The numbered things an action's subject names, by the action's family."""

STATUS_NAMES: dict[str, str] = {
    CaseStatus.OPEN: N_("open"),
    CaseStatus.VERIFIED: N_("verified"),
    CaseStatus.REJECTED: N_("rejected"),
    CaseStatus.JOINED: N_("joined another case"),
    DigestStatus.DRAFT: N_("draft"),
    DigestStatus.PUBLISHED: N_("published"),
    DigestStatus.DISCARDED: N_("discarded"),
}

FIELD_LABELS = {
    "status": N_("status: {value}"),
    "reason_code": N_("reason: {value}"),
    "verify_votes": N_("votes: {value}"),
    "role": N_("role: {value}"),
    "deliveries": N_("subscribers: {value}"),
    "family": N_("family: {value}"),
    "language": N_("language: {value}"),
    "template": N_("template #{value}"),
    "case": N_("case #{value}"),
    "joined_case": N_("into case #{value}"),
    "family_of": N_("family of template #{value}"),
    "pdq": N_("PDQ hash: {value}"),
}
"""How an audited field is named; the other fields (texts, switches) speak for themselves."""
FIELD_ORDER = (
    "status",
    "reason_code",
    "reason",
    "verify_votes",
    "on_probation",
    "role",
    "enabled",
    "template",
    "case",
    "joined_case",
    "family",
    "language",
    "label",
    "text",
    "family_of",
    "pdq",
    "draft",
    "deliveries",
)
QUOTED_FIELDS = frozenset({"reason", "text", "label"})
NAMED_VALUES: dict[str, Mapping[str, str]] = {"status": STATUS_NAMES, "reason_code": REASON_NAMES, "role": ROLE_NAMES}

MAX_LISTED_TEMPLATES = 40


def stats(t: Translator, figures: ModerationStats) -> str:
    _ = t.gettext
    lines = [_("<b>Statistics</b>"), _("Open cases now: {count}").format(count=t.number(figures.open_cases)), ""]
    lines.append(_("<b>This week</b> (since {date})").format(date=t.date(figures.week_start)))
    lines += _counts(t, figures.this_week)
    lines += ["", _("<b>All time</b>")]
    lines += _counts(t, figures.all_time)
    return t.lines(lines)


def _counts(t: Translator, counts: Counts) -> list[str]:
    _ = t.gettext
    lines = [
        _("Reports: {count}").format(count=t.number(counts.reports)),
        _("Cases opened: {count}").format(count=t.number(counts.cases)),
        _("Verified: {verified} · rejected: {rejected}").format(
            verified=t.number(counts.verified), rejected=t.number(counts.rejected)
        ),
    ]
    if counts.by_language:
        lines.append(
            _("By language: {list}").format(
                list=t.list(
                    f"{t.language_name(code) if code else _('no text')} {t.number(n)}" for code, n in counts.by_language
                )
            )
        )
    if counts.by_platform:
        lines.append(
            _("By platform: {list}").format(
                list=t.list(f"{_platform_brand(code)} {t.number(n)}" for code, n in counts.by_platform)
            )
        )
    return lines


def _platform_brand(code: str) -> str:
    return Platform(code).brand


def audit(t: Translator, page: AuditPage) -> str:
    """The latest actions, each person as others see them (their alias, unless they chose their name)."""
    _ = t.gettext
    if not page.entries:
        return _("The audit log is empty.")
    names = {user_id: moderator_name(t, moderator) for user_id, moderator in page.people.items()}
    lines = [_("<b>Audit log</b>, latest first")]
    for entry in page.entries:
        who = _("configuration") if entry.actor_id is None else names.get(entry.actor_id, str(entry.actor_id))
        action = t.gettext(ACTION_NAMES.get(entry.action, entry.action))
        lines.append(" · ".join([f"{t.datetime(entry.at)} · {who}: {action}", *_subjects(t, entry)]))
        change = _change(t, entry, names)
        if change:
            lines.append("   " + change)
    return t.lines(lines)


def _subjects(t: Translator, entry: AuditEntry) -> list[str]:
    """What the action was done to: a case, a template, a draft, a phrase, a user, a digest's week."""
    _ = t.gettext
    subjects = [_("case #{number}").format(number=number(entry.case_id))] if entry.case_id else []
    subject = entry.subject or ""
    family = entry.action.split(".")[0]
    if subject.startswith("draft:") and subject[6:].isdigit():
        subjects.append(_("draft #{number}").format(number=number(int(subject[6:]))))
    elif subject.isdigit() and family in SUBJECT_NAMES:
        subjects.append(t.gettext(SUBJECT_NAMES[family]).format(number=number(int(subject))))
    elif subject:
        subjects.append(user_text(subject))
    return subjects


def _change(t: Translator, entry: AuditEntry, names: Mapping[int, str]) -> str:
    """What changed, field by field in words: "status: open → verified · votes: Alice, Bob (2)"."""
    before, after = _fields(entry.action, entry.before), _fields(entry.action, entry.after)
    keys = sorted(
        before.keys() | after.keys(), key=lambda k: (FIELD_ORDER.index(k) if k in FIELD_ORDER else len(FIELD_ORDER), k)
    )
    parts = []
    for key in keys:
        values = [v for v in (before.get(key), after.get(key)) if v is not None]
        if len(values) == 2 and values[0] == values[1]:
            values = values[1:]
        shown = " → ".join(_value(t, key, value, names) for value in values)
        label = FIELD_LABELS.get(key)
        parts.append(t.gettext(label).format(value=shown) if label else shown)
    return " · ".join(parts)


def _fields(action: str, value: object) -> dict[str, object]:
    """An audit value as named fields; a bare value is a role (role changes) or a status (anything else)."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return {key: v for key, v in value.items() if v is not None}
    return {"role" if action.startswith("role.") else "status": value}


def _value(t: Translator, key: str, value: object, names: Mapping[int, str]) -> str:
    _ = t.gettext
    if key == "verify_votes" and isinstance(value, list):
        voters = [names[v] if v in names else f"<code>{v}</code>" for v in value]
        return f"{t.list(voters)} ({t.number(len(voters))})" if voters else _("none")
    if isinstance(value, str) and value in NAMED_VALUES.get(key, {}):
        return t.gettext(NAMED_VALUES[key][value])
    if key == "on_probation" and value is True:
        return _("🔰 cast on probation: not counted toward the quorum")
    if key == "enabled" and isinstance(value, bool):
        return _("✅ on") if value else _("⏸ off")
    if key == "language" and isinstance(value, str):
        return t.language_name(value)
    if key == "draft" and isinstance(value, int):
        return _("from draft #{number}").format(number=number(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return t.number(value)
    if key in QUOTED_FIELDS:
        return t.quote(user_text(excerpt(str(value), 80)))
    return user_text(excerpt(str(value), 80))


def team(t: Translator, members: list[Member], probation_votes: int) -> str:
    """Who moderates, as others see them, with their Telegram id for admins, and how far probation has come."""
    _ = t.gettext
    if not members:
        return _("Nobody moderates yet. Add someone with /mod add <i>user id</i>.")
    lines = [_("<b>Moderators and admins</b>")]
    for member in members:
        parts = [moderator_name(t, member.moderator), f"<code>{member.moderator.user_id}</code>"]
        parts.append(t.gettext(ROLE_NAMES[member.role]))
        if member.agreed is not None:
            parts.append(
                _("🔰 on probation: {agreed} of {needed} votes agreed with the decision").format(
                    agreed=t.number(member.agreed), needed=t.number(probation_votes)
                )
            )
        lines.append("• " + " · ".join(parts))
    return t.lines(lines)


def templates(t: Translator, items: list[Template], labels: Mapping[str, Mapping[str, str]]) -> str:
    """The bank, one line per campaign: a family's templates together, named by its label in the reader's
    language (``labels``: family key → language → label), with their languages."""
    _ = t.gettext
    if not items:
        return _("The template bank is empty.")
    shown = items[-MAX_LISTED_TEMPLATES:]
    lines = [_("<b>Templates: {count}</b> (✅ on, ⏸ off)").format(count=t.number(len(items)))]
    if len(items) > len(shown):
        lines.append(_("The latest {count} are shown.").format(count=t.number(len(shown))))
    families = labels_by_family(items, labels)
    groups: dict[str, list[Template]] = {}
    for item in shown:
        groups.setdefault(item.family_key, []).append(item)
    for key, group in groups.items():
        label = families[key].for_reader(t.code) or excerpt(group[0].text, 60)
        languages = list(dict.fromkeys(item.language for item in group if item.language))
        line = f"{_numbers(group)} {t.quote(user_text(label))}"
        lines.append(f"{line} · {t.language_list(languages)}" if languages else line)
        lines += [
            "   ↳ "
            + _("#{number} learned from case #{case}").format(
                number=number(item.id), case=number(item.learned_from_case)
            )
            + (f" · {t.language_name(item.language)}" if item.language else "")
            for item in group
            if item.learned_from_case is not None
        ]
    lines += [
        "",
        _("/template disable <i>number</i> · /template enable <i>number</i> · /template label <i>number</i>"),
    ]
    return t.lines(lines)


def _numbers(group: list[Template]) -> str:
    """ "✅ #1–#5", or where some are off "✅ #1–#3, #5 ⏸ #4": one mark per state, runs of numbers joined."""
    runs = []
    for enabled, same in groupby(sorted(group, key=lambda item: (not item.enabled, item.id)), lambda i: i.enabled):
        ids = [item.id for item in same]
        spans = [[ids[0], ids[0]]]
        for template_id in ids[1:]:
            if template_id == spans[-1][1] + 1:
                spans[-1][1] = template_id
            else:
                spans.append([template_id, template_id])
        numbers = ", ".join(f"<b>#{a}</b>" if a == b else f"<b>#{a}–#{b}</b>" for a, b in spans)
        runs.append(f"{'✅' if enabled else '⏸'} {numbers}")
    return " ".join(runs)


def image_bank(t: Translator, items: list[BankedImage]) -> str:
    """The image bank, newest first: each picture's number, kind, label, case and PDQ hash."""
    _ = t.gettext
    if not items:
        return t.lines(
            [
                _("The image bank is empty."),
                "",
                _("📌 Campaign image and 🚫 Common picture on an image case's card add one."),
            ]
        )
    lines = [_("<b>Image bank</b> (📌 campaign image, 🚫 common picture), newest first:")]
    for item in items:
        mark = "📌" if item.kind is ImageKind.CAMPAIGN else "🚫"
        parts = [f"{mark} #{number(item.id)}"]
        if item.label:
            parts.append(t.quote(user_text(item.label)))
        if item.case_id is not None:
            parts.append(_("case #{number}").format(number=number(item.case_id)))
        parts.append(f"<code>{item.pdq}</code>")
        lines.append(" · ".join(parts))
    lines += ["", _("/image remove <i>number</i>: take a picture out of the bank")]
    return t.lines(lines)
