-- Moderators who are not exposed: each is shown under a stable alias ("Moderator 7") unless they chose to show
-- their name, and a newly added moderator's votes count toward the quorum only after probation.

INSERT INTO id_sequences (name, last_value) VALUES ('moderator_aliases', 0);

-- Kept after a role is taken away, so past votes keep the alias they were cast under.
CREATE TABLE moderator_aliases (
    user_id BIGINT PRIMARY KEY,
    alias INTEGER NOT NULL UNIQUE,
    shows_name INTEGER NOT NULL DEFAULT 0
);

-- Everyone who has acted so far, in the order they first appeared.
INSERT INTO moderator_aliases (user_id, alias)
SELECT user_id, ROW_NUMBER() OVER (ORDER BY first_at, user_id)
FROM (
    SELECT user_id, MIN(at) AS first_at
    FROM (
        SELECT user_id, added_at AS at FROM roles
        UNION ALL SELECT moderator_id, voted_at FROM case_votes
        UNION ALL SELECT actor_id, at FROM audit_log WHERE actor_id IS NOT NULL
    ) AS people
    GROUP BY user_id
) AS firsts;

UPDATE id_sequences SET last_value = (SELECT COUNT(*) FROM moderator_aliases) WHERE name = 'moderator_aliases';

-- 1 for a moderator added from now on: on probation until enough of their votes agreed with the final decision.
-- Those who moderate already are trusted as before.
ALTER TABLE roles ADD COLUMN probation INTEGER NOT NULL DEFAULT 0;

-- 1 for a vote cast on probation: recorded and shown as such, never counted toward the quorum.
ALTER TABLE case_votes ADD COLUMN probation INTEGER NOT NULL DEFAULT 0;
