-- Verdicts that cannot be turned against critics, and a moderation flow for busy groups.
--   protected_accounts  accounts that moderators found to be the target of a report brigade: later
--                       reports against them are flagged as brigading, and no digest or export ever
--                       names them as campaign accounts;
--   cases.verdict       what a verified account case means ('campaign_account'), or NULL;
--   cases.claimed_by    the moderator working on an open case, so two people don't duplicate work.
CREATE TABLE protected_accounts (
    account_id INTEGER PRIMARY KEY REFERENCES accounts (id),
    case_id INTEGER REFERENCES cases (id),
    protected_at BIGINT NOT NULL,
    protected_by BIGINT
);

ALTER TABLE cases ADD COLUMN verdict TEXT;
ALTER TABLE cases ADD COLUMN claimed_by BIGINT;
ALTER TABLE cases ADD COLUMN claimed_at BIGINT;

-- The moderator has a private chat with the bot (they sent it a command there), so lookups they ask for in the
-- group (/queue, /case, 🔎 Details) can be answered privately instead of filling the group.
ALTER TABLE roles ADD COLUMN private_chat SMALLINT NOT NULL DEFAULT 0;
