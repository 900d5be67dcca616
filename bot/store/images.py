"""Pictures of reports and reported accounts, and the image bank (tables ``images``, ``report_images``,
``account_images``, ``shared_avatars``, ``image_bank``). Hashes are stored as PDQ's 64 hex digits."""

from __future__ import annotations

from dataclasses import dataclass

from bot.images.matcher import ImageKind
from bot.images.pdq import ImageHash
from bot.store.db import Connection, Row


@dataclass(frozen=True)
class ImageGroup:
    id: int
    pdq: str
    file_id: str | None


@dataclass(frozen=True)
class BankedImage:
    id: int
    kind: ImageKind
    """CAMPAIGN or NEGATIVE."""
    pdq: str
    label: str | None
    file_id: str | None
    case_id: int | None
    enabled: bool


@dataclass(frozen=True)
class KnownHash:
    kind: ImageKind
    key: int
    pdq: str


class Images:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def create_group(self, picture: ImageHash, file_id: str, now: int) -> int:
        group_id = await self._conn.next_id("images")
        await self._conn.execute(
            "INSERT INTO images (id, pdq, file_id, created_at) VALUES (?, ?, ?, ?)",
            (group_id, picture.hex, file_id, now),
        )
        return group_id

    async def group(self, group_id: int) -> ImageGroup | None:
        row = await self._conn.fetch_one("SELECT id, pdq, file_id FROM images WHERE id = ?", (group_id,))
        return None if row is None else ImageGroup(row["id"], row["pdq"], row["file_id"])

    async def attach(
        self, report_id: int, picture: ImageHash, file_id: str, group_id: int | None, bank_id: int | None, now: int
    ) -> None:
        """Record the photo a report carried, and the picture group it joined."""
        await self._conn.execute(
            "INSERT INTO report_images (report_id, pdq, quality, file_id, image_id, bank_id, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (report_id, picture.hex, picture.quality, file_id, group_id, bank_id, now),
        )

    async def set_avatar(self, account_id: int, picture: ImageHash, file_id: str, now: int) -> None:
        """The account's profile photo as last seen."""
        await self._conn.execute(
            "INSERT INTO account_images (account_id, pdq, quality, file_id, seen_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (account_id) DO UPDATE SET pdq = excluded.pdq, quality = excluded.quality, "
            "file_id = excluded.file_id, seen_at = excluded.seen_at",
            (account_id, picture.hex, picture.quality, file_id, now),
        )

    async def link_avatars(self, account_id: int, others: list[tuple[int, int]], now: int) -> None:
        """Record that the account's profile photo is on each of ``others`` (account id, distance), both ways.
        An account whose photo is no longer stored (forgotten meanwhile) is left out."""
        for other, distance in others:
            for a, b in ((account_id, other), (other, account_id)):
                await self._conn.execute(
                    "INSERT INTO shared_avatars (account_id, other_account_id, distance, found_at) "
                    "SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM account_images WHERE account_id = ?) "
                    "ON CONFLICT (account_id, other_account_id) DO UPDATE SET distance = excluded.distance, "
                    "found_at = excluded.found_at",
                    (a, b, distance, now, other),
                )

    async def sharing_avatar(self, account_id: int) -> list[int]:
        """Other reported accounts whose profile photo matches this account's, oldest link first."""
        rows = await self._conn.fetch_all(
            "SELECT other_account_id FROM shared_avatars WHERE account_id = ? ORDER BY found_at, other_account_id",
            (account_id,),
        )
        return [row[0] for row in rows]

    async def of_case(self, case_id: int) -> ImageGroup | None:
        """The picture group of an image case."""
        row = await self._conn.fetch_one(
            "SELECT i.id, i.pdq, i.file_id FROM images i JOIN cases c ON c.image_id = i.id WHERE c.id = ?", (case_id,)
        )
        return None if row is None else ImageGroup(row["id"], row["pdq"], row["file_id"])

    async def hashes_of_case(self, case_id: int, limit: int) -> list[str]:
        """The distinct PDQ hashes of the photos the case's reports carried, oldest first."""
        rows = await self._conn.fetch_all(
            "SELECT ri.pdq, MIN(ri.report_id) AS first FROM report_images ri "
            "JOIN case_reports cr ON cr.report_id = ri.report_id WHERE cr.case_id = ? AND ri.image_id IS NOT NULL "
            "GROUP BY ri.pdq ORDER BY first LIMIT ?",
            (case_id, limit),
        )
        return [row[0] for row in rows]

    async def cases_sharing_pictures(self, case_id: int, limit: int) -> list[int]:
        """Other cases whose reports carried a photo of a picture group this case's reports carried (a picture
        posted with a text is in the text's case, the same picture alone in its own): up to ``limit``, lowest
        number first. The case's groups are read first, then each group's cases, so a wave of reports of one
        picture costs one pass over each side rather than their product."""
        groups = await self._conn.fetch_all(
            "SELECT DISTINCT ri.image_id FROM report_images ri JOIN case_reports cr ON cr.report_id = ri.report_id "
            "WHERE cr.case_id = ? AND ri.image_id IS NOT NULL",
            (case_id,),
        )
        found: set[int] = set()
        for group in groups:
            found.update(await self.cases_with_picture(group["image_id"], besides=case_id, limit=limit))
        return sorted(found)[:limit]

    async def cases_with_picture(self, group_id: int, *, besides: int, limit: int) -> list[int]:
        """The cases (but ``besides``) whose reports carried a photo of this picture group, lowest number first."""
        rows = await self._conn.fetch_all(
            "SELECT DISTINCT cr.case_id FROM report_images ri JOIN case_reports cr ON cr.report_id = ri.report_id "
            "WHERE ri.image_id = ? AND cr.case_id <> ? ORDER BY cr.case_id LIMIT ?",
            (group_id, besides, limit),
        )
        return [row["case_id"] for row in rows]

    async def accounts_sharing_in_case(self, case_id: int) -> int:
        """How many accounts the case's reports name wear a profile photo other reported accounts wear too."""
        return int(
            await self._conn.fetch_value(
                "SELECT COUNT(DISTINCT t.account_id) FROM report_targets t "
                "JOIN case_reports cr ON cr.report_id = t.report_id "
                "WHERE cr.case_id = ? AND t.account_id IN (SELECT account_id FROM shared_avatars)",
                (case_id,),
            )
        )

    async def forget_accounts(self) -> list[int]:
        """Drop the profile photos of accounts whose identity was forgotten; returns their ids."""
        rows = await self._conn.fetch_all(
            "SELECT a.account_id FROM account_images a JOIN accounts c ON c.id = a.account_id "
            "WHERE c.identity LIKE 'forgotten:%'"
        )
        ids = [row[0] for row in rows]
        for account_id in ids:
            await self._conn.execute(
                "DELETE FROM shared_avatars WHERE account_id = ? OR other_account_id = ?", (account_id, account_id)
            )
            await self._conn.execute("DELETE FROM account_images WHERE account_id = ?", (account_id,))
        return ids

    async def drop_unused_files(self) -> int:
        """Forget the file id of each picture group none of whose reports keeps its photo any more (retention):
        the card then shows no copy. The hash stays, so later copies still group."""
        return await self._conn.execute(
            "UPDATE images SET file_id = NULL WHERE file_id IS NOT NULL AND NOT EXISTS ("
            "SELECT 1 FROM report_images r WHERE r.image_id = images.id)"
        )

    async def known(self) -> list[KnownHash]:
        """Every hash the matcher holds: picture groups, enabled bank pictures, accounts' profile photos."""
        groups = await self._conn.fetch_all("SELECT id, pdq FROM images")
        bank = await self._conn.fetch_all("SELECT id, kind, pdq FROM image_bank WHERE enabled = 1")
        avatars = await self._conn.fetch_all("SELECT account_id, pdq FROM account_images")
        return [
            *(KnownHash(ImageKind.GROUP, row[0], row[1]) for row in groups),
            *(KnownHash(_banked_kind(row[1]), row[0], row[2]) for row in bank),
            *(KnownHash(ImageKind.AVATAR, row[0], row[1]) for row in avatars),
        ]


_BANK_KIND = {ImageKind.CAMPAIGN: "campaign", ImageKind.NEGATIVE: "negative"}
_BANK_COLUMNS = "SELECT id, kind, pdq, label, file_id, case_id, enabled FROM image_bank "


def _banked_kind(value: str) -> ImageKind:
    return ImageKind.CAMPAIGN if value == "campaign" else ImageKind.NEGATIVE


def _banked(row: Row) -> BankedImage:
    return BankedImage(
        row["id"],
        _banked_kind(row["kind"]),
        row["pdq"],
        row["label"],
        row["file_id"],
        row["case_id"],
        bool(row["enabled"]),
    )


class ImageBank:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def add(
        self,
        kind: ImageKind,
        pdq: str,
        *,
        label: str | None,
        file_id: str | None,
        case_id: int | None,
        created_by: str,
        now: int,
    ) -> int:
        bank_id = await self._conn.next_id("image_bank")
        await self._conn.execute(
            "INSERT INTO image_bank (id, kind, pdq, label, file_id, case_id, created_by, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (bank_id, _BANK_KIND[kind], pdq, label, file_id, case_id, created_by, now),
        )
        return bank_id

    async def get(self, bank_id: int) -> BankedImage | None:
        row = await self._conn.fetch_one(_BANK_COLUMNS + "WHERE id = ?", (bank_id,))
        return None if row is None else _banked(row)

    async def of_case(self, case_id: int) -> BankedImage | None:
        """The enabled bank picture made from this case, if any."""
        row = await self._conn.fetch_one(_BANK_COLUMNS + "WHERE case_id = ? AND enabled = 1 ORDER BY id", (case_id,))
        return None if row is None else _banked(row)

    async def set_enabled(self, bank_id: int, enabled: bool) -> None:
        await self._conn.execute("UPDATE image_bank SET enabled = ? WHERE id = ?", (int(enabled), bank_id))

    async def listing(self, limit: int) -> list[BankedImage]:
        """The enabled bank pictures, newest first."""
        rows = await self._conn.fetch_all(_BANK_COLUMNS + "WHERE enabled = 1 ORDER BY id DESC LIMIT ?", (limit,))
        return [_banked(row) for row in rows]
