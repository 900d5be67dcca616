-- When the citizen's receipt was accepted by Telegram. A message Telegram delivers again (the bot
-- stopped before confirming the update) is recognised by reports.dedupe_key; with this column the
-- bot stays silent if the receipt went out, and confirms the stored report if it did not.
ALTER TABLE reports ADD COLUMN receipt_sent_at BIGINT;
