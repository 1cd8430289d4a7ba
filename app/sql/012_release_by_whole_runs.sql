-- 012 release by whole runs: survey figures now count released runs only, each whole, in the period
-- the run opened (disclosure.h), so the daily totals of responses (008), which split a run by the day
-- each pupil answered, are no longer read. Runs are found by when they opened instead.

DROP TRIGGER survey_daily_add;
DROP TRIGGER survey_daily_remove;
DROP TABLE survey_daily;
CREATE INDEX survey_runs_opened ON survey_runs(opened_at);
