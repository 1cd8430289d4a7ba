-- 012 release by whole runs: survey figures now count released runs only, each whole, in the period
-- the run opened (disclosure.h), so the daily totals of responses (008), which split a run by the day
-- each pupil answered, are no longer read. Runs are found by when they opened, and a run's count and
-- good understanding come from an index alone.
--
-- A new response can only go to an open run (survey_record checks it in the same transaction), and no
-- figure counts an open run, so an answer no longer makes every cached survey figure count again (a
-- class answering would otherwise recount the dashboard's O1.5 thirty times). Closing a run, deleting
-- or changing a response, and changes to settings still do.

DROP TRIGGER survey_daily_add ON survey_responses;
DROP TRIGGER survey_daily_remove ON survey_responses;
DROP TABLE survey_daily;
DROP TRIGGER dv_survey_survey_responses_insert ON survey_responses;
CREATE INDEX survey_runs_opened ON survey_runs(opened_at);
CREATE INDEX survey_responses_good ON survey_responses(run_id, good_understanding);
DROP FUNCTION survey_daily_count();
