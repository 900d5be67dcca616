-- A citizen's own message that comments on a line it quotes ("they post this under every article: «…»") is
-- placed by the quotation when its own words match nothing (bot.core.submission, Submission.quotation).
--   by_quotation  1 when the report was placed by its quotation: what its campaign's family learns from it is
--                 then the quotation, never the reporter's words around it.
ALTER TABLE reports ADD COLUMN by_quotation INTEGER NOT NULL DEFAULT 0;
