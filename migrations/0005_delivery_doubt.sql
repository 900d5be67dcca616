-- Exactly-once has one limit: a message whose fate is unknown. in_flight is set (and committed)
-- before each send and cleared once Telegram answers, so after a hard kill the one delivery
-- that was in flight is known. When such a part is sent again (after a kill, or after a timeout
-- that may have reached Telegram), doubtful records that the subscriber may have it twice.
ALTER TABLE deliveries ADD COLUMN in_flight INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN doubtful INTEGER NOT NULL DEFAULT 0;
