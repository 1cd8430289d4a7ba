-- 014 survey flood: a pupil survey cannot be filled by one script (issue 13 §3).
--
-- A run's closes_at is now the end of the lesson the trainer states (at most 24 hours away) and its
-- max_responses the pupils present; each answer spends a one-use token from the page it came from,
-- and a school lead or trainer can void the answers received in a time range.

-- The nonces of answer tokens already spent (survey_token.c). A token is refused once its nonce is
-- here; rows go once the token has expired anyway. Nothing links a nonce to the response it carried.
CREATE TABLE survey_tokens_used (
	nonce TEXT PRIMARY KEY,
	expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX survey_tokens_used_expiry ON survey_tokens_used(expires_at);

-- One voiding: who, when, the range of submission times (both ends included) and how many answers.
CREATE TABLE survey_voids (
	id INTEGER PRIMARY KEY,
	run_id INTEGER NOT NULL REFERENCES survey_runs(id),
	voided_by INTEGER REFERENCES users(id),
	voided_at INTEGER NOT NULL,
	from_at INTEGER NOT NULL,
	to_at INTEGER NOT NULL,
	responses INTEGER NOT NULL CHECK (responses >= 1),
	CHECK (to_at >= from_at)
);
CREATE INDEX survey_voids_run ON survey_voids(run_id, voided_at);

-- Voided answers are moved here, out of survey_responses, so that no figure, export, cache or
-- capacity check can count them by forgetting a filter; they are kept so a mistake can be undone.
CREATE TABLE survey_voided_responses (
	id INTEGER PRIMARY KEY,
	response_id INTEGER NOT NULL, -- the id it had in survey_responses (ids there may be used again)
	void_id INTEGER NOT NULL REFERENCES survey_voids(id),
	run_id INTEGER NOT NULL REFERENCES survey_runs(id),
	submitted_at INTEGER NOT NULL,
	q1 INTEGER NOT NULL,
	q2 INTEGER NOT NULL,
	q3 INTEGER NOT NULL,
	q4 INTEGER NOT NULL,
	s1 TEXT NOT NULL,
	s2 TEXT NOT NULL,
	s3 TEXT NOT NULL,
	s4 TEXT NOT NULL,
	good_understanding INTEGER NOT NULL
);
CREATE INDEX survey_voided_responses_run ON survey_voided_responses(run_id);
