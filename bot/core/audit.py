"""What the audit log records: the name of each moderator action."""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    """An audited action, ``<family>.<verb>``; the family names what the subject is (see bot.render.admin).
    The values are stored in ``audit_log.action``: never change one."""

    VOTE_VERIFY = "vote.verify"
    VOTE_WITHDRAW = "vote.withdraw"
    CASE_VERIFY = "case.verify"
    CASE_REJECT = "case.reject"
    CASE_UNDO_REJECT = "case.undo_reject"
    CASE_REOPEN = "case.reopen"
    CASE_CLAIMED = "case.claimed"
    CASE_RELEASED = "case.released"
    ACCOUNT_PROTECT = "account.protect"
    TEMPLATE_ADD = "template.add"
    TEMPLATE_DRAFT = "template.draft"
    TEMPLATE_DRAFT_EDIT = "template.draft_edit"
    TEMPLATE_ENABLE = "template.enable"
    TEMPLATE_DISABLE = "template.disable"
    TEMPLATE_LABEL = "template.label"
    TEMPLATE_LEARN = "template.learn"
    """A family learned a variant from a case (a confirmed suggestion, or a verified case matched semantically)."""
    SUGGESTION_SAME = "suggestion.same"
    SUGGESTION_DIFFERENT = "suggestion.different"
    NEGATIVE_ADD = "negative.add"
    IMAGE_CAMPAIGN = "image.campaign"
    """A picture became a known campaign image."""
    IMAGE_COMMON = "image.common"
    """A picture went into the negative image bank (it never counts alone)."""
    IMAGE_REMOVE = "image.remove"
    ROLE_ADD = "role.add"
    ROLE_REMOVE = "role.remove"
    ALIAS_NAME_SHOWN = "alias.name_shown"
    """A moderator chose to be shown by their Telegram name."""
    ALIAS_NAME_HIDDEN = "alias.name_hidden"
    """A moderator chose to be shown by their alias."""
    DIGEST_PUBLISH = "digest.publish"
    DIGEST_DISCARD = "digest.discard"
