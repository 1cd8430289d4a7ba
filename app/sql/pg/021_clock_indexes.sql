-- 021 clock indexes: a figure for a period not yet settled changes with the clock alone when a
-- session ends, its evaluation window closes or a survey run closes. It used to be cached for a
-- minute at most, so the Board's figures for the current quarter were counted again every minute
-- (about 2 s of PostgreSQL's CPU on the bench data). It is now cached against the last such instant
-- passed (indicator_reads_passed), found with two index seeks: these.
CREATE INDEX sessions_ends ON sessions(ends_at);
CREATE INDEX survey_runs_closes ON survey_runs(closes_at);
-- And the session lists' order (starts_at, id) from the index alone, as SQLite's index on starts_at
-- gives it with the rowid: PostgreSQL sorted each page's rows (a quarter of the list's statement).
DROP INDEX sessions_starts;
CREATE INDEX sessions_starts ON sessions(starts_at, id);
