-- SQLite's REAL is an 8-byte float; PostgreSQL's is 4 bytes. Scores keep their full precision.
ALTER TABLE reports ALTER COLUMN match_score TYPE DOUBLE PRECISION;
