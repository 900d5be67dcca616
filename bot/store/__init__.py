"""All SQL lives in this package. ``Store`` opens the database; each
``transaction()`` hands out the table-family modules bound to one transaction.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.database_url import DatabaseUrl
from bot.resources import data_dir
from bot.store.accounts import Accounts
from bot.store.aliases import Aliases
from bot.store.audit import AuditLog
from bot.store.cases import CaseArchive, Cases
from bot.store.clusters import Clusters
from bot.store.db import Connection, Database, open_database
from bot.store.digest_facts import DigestFacts
from bot.store.digests import Digests
from bot.store.drafts import TemplateDrafts
from bot.store.embeddings import Embeddings
from bot.store.evidence import Evidence
from bot.store.follow_ups import FollowUps
from bot.store.images import ImageBank, Images
from bot.store.matcher_changes import MatcherChanges
from bot.store.meta import Meta
from bot.store.miniapp_sessions import MiniAppSessions
from bot.store.networks import Networks
from bot.store.outbox import ReceiptOutbox
from bot.store.protected import ProtectedAccounts
from bot.store.public import PublicRecords
from bot.store.queue import CaseReads, QueueReads
from bot.store.reporters import Reporters
from bot.store.reports import Reports
from bot.store.roles import Roles
from bot.store.skipped import SkippedUpdates
from bot.store.stats import Stats
from bot.store.subscribers import Subscribers
from bot.store.suggestions import Suggestions
from bot.store.template_labels import TemplateLabels
from bot.store.templates import Negatives, Templates
from bot.store.trail import ChatTrail


class Tx:
    """The table families, all in one transaction."""

    def __init__(self, conn: Connection) -> None:
        self.accounts = Accounts(conn)
        self.aliases = Aliases(conn)
        self.audit = AuditLog(conn)
        self.archive = CaseArchive(conn)
        self.cases = Cases(conn)
        self.clusters = Clusters(conn)
        self.digest_facts = DigestFacts(conn)
        self.digests = Digests(conn)
        self.drafts = TemplateDrafts(conn)
        self.embeddings = Embeddings(conn)
        self.evidence = Evidence(conn)
        self.follow_ups = FollowUps(conn)
        self.images = Images(conn)
        self.image_bank = ImageBank(conn)
        self.matcher_changes = MatcherChanges(conn)
        self.meta = Meta(conn)
        self.miniapp_sessions = MiniAppSessions(conn)
        self.negatives = Negatives(conn)
        self.networks = Networks(conn)
        self.outbox = ReceiptOutbox(conn)
        self.protected = ProtectedAccounts(conn)
        self.public = PublicRecords(conn)
        self.queue = QueueReads(conn)
        self.case_reads = CaseReads(conn)
        self.reporters = Reporters(conn)
        self.reports = Reports(conn)
        self.roles = Roles(conn)
        self.skipped = SkippedUpdates(conn)
        self.stats = Stats(conn)
        self.subscribers = Subscribers(conn)
        self.suggestions = Suggestions(conn)
        self.templates = Templates(conn)
        self.template_labels = TemplateLabels(conn)
        self.trail = ChatTrail(conn)


class Store:
    def __init__(self, db: Database) -> None:
        self.db = db

    @classmethod
    async def open(cls, url: DatabaseUrl) -> Store:
        """Open (creating a SQLite file if needed) the database and bring its schema up to date."""
        db = await open_database(url)
        try:
            await db.migrate(data_dir("migrations"))
        except BaseException:
            await db.close()
            raise
        return cls(db)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        async with self.db.transaction() as conn:
            yield Tx(conn)

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[Tx]:
        """A read-only transaction: it does not wait while another process (or a full disk) blocks writes."""
        async with self.db.transaction(write=False) as conn:
            yield Tx(conn)

    async def close(self) -> None:
        await self.db.close()
