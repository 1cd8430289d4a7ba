-- 004 schools: Risk Avert deliveries to a setting's year groups, and the anonymous pupil survey
-- (runs and their responses). No pupil is named anywhere: deliveries hold head-counts, responses
-- hold only answers. A delivery or response belongs to its setting's area (spec §8).

CREATE TABLE deliveries (
	id INTEGER PRIMARY KEY,
	urn TEXT NOT NULL REFERENCES settings(urn),
	course_id TEXT NOT NULL,
	module_id TEXT NOT NULL,
	year_group INTEGER NOT NULL CHECK (year_group BETWEEN 7 AND 13),
	delivered_on TEXT NOT NULL CHECK (delivered_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
	pupils_reached INTEGER NOT NULL CHECK (pupils_reached >= 0),
	session_id INTEGER REFERENCES sessions(id), -- set when a pupil session's head-count recorded it
	recorded_by INTEGER REFERENCES users(id),   -- NULL: the command line or the demo loader
	created_at INTEGER NOT NULL
);
CREATE INDEX deliveries_urn ON deliveries(urn, delivered_on);
CREATE INDEX deliveries_on ON deliveries(delivered_on);
-- A session's head-count is one delivery: a corrected count updates it rather than adding another.
CREATE UNIQUE INDEX deliveries_session ON deliveries(session_id) WHERE session_id IS NOT NULL;

CREATE TABLE survey_runs (
	id INTEGER PRIMARY KEY,
	urn TEXT NOT NULL REFERENCES settings(urn),
	year_group INTEGER NOT NULL CHECK (year_group BETWEEN 7 AND 13),
	phase TEXT NOT NULL CHECK (phase IN ('pre', 'post')),
	code TEXT NOT NULL UNIQUE, -- short and unguessable: the pupils' address is /s/{code}
	opened_by INTEGER REFERENCES users(id),
	opened_at INTEGER NOT NULL,
	closes_at INTEGER NOT NULL, -- 24 hours after opening
	closed_at INTEGER,          -- when a trainer closed it early
	max_responses INTEGER NOT NULL CHECK (max_responses >= 1),
	CHECK (closes_at > opened_at)
);
CREATE INDEX survey_runs_urn ON survey_runs(urn, opened_at);

CREATE TABLE survey_responses (
	id INTEGER PRIMARY KEY,
	run_id INTEGER NOT NULL REFERENCES survey_runs(id),
	submitted_at INTEGER NOT NULL,
	q1 INTEGER NOT NULL CHECK (q1 BETWEEN 1 AND 5),
	q2 INTEGER NOT NULL CHECK (q2 BETWEEN 1 AND 5),
	q3 INTEGER NOT NULL CHECK (q3 BETWEEN 1 AND 5),
	q4 INTEGER NOT NULL CHECK (q4 BETWEEN 1 AND 5),
	s1 TEXT NOT NULL CHECK (s1 IN ('healthy', 'unhealthy', 'not-sure')),
	s2 TEXT NOT NULL CHECK (s2 IN ('healthy', 'unhealthy', 'not-sure')),
	s3 TEXT NOT NULL CHECK (s3 IN ('healthy', 'unhealthy', 'not-sure')),
	s4 TEXT NOT NULL CHECK (s4 IN ('healthy', 'unhealthy', 'not-sure')),
	-- spec §6, worked out at insert from the instrument's right answers (app/survey_instrument.c)
	good_understanding INTEGER NOT NULL CHECK (good_understanding IN (0, 1))
);
CREATE INDEX survey_responses_run ON survey_responses(run_id, submitted_at);
