-- 008 indicator caching: a version per source of indicator figures, bumped by triggers in the same
-- transaction as any change to that source's tables, so a figure cached against a version can never
-- outlive the records it was counted from.

CREATE TABLE data_versions (
	source text PRIMARY KEY,
	version bigint NOT NULL
);
INSERT INTO data_versions (source, version) VALUES ('schools', 0), ('survey', 0), ('training', 0),
	('campaigns', 0), ('pledges', 0);

CREATE FUNCTION data_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = TG_ARGV[0];
	RETURN NULL;
END $$;

CREATE TRIGGER dv_schools_deliveries_insert AFTER INSERT ON deliveries FOR EACH ROW EXECUTE FUNCTION data_version_bump('schools');
CREATE TRIGGER dv_schools_deliveries_update AFTER UPDATE ON deliveries FOR EACH ROW EXECUTE FUNCTION data_version_bump('schools');
CREATE TRIGGER dv_schools_deliveries_delete AFTER DELETE ON deliveries FOR EACH ROW EXECUTE FUNCTION data_version_bump('schools');
CREATE TRIGGER dv_schools_settings_insert AFTER INSERT ON settings FOR EACH ROW EXECUTE FUNCTION data_version_bump('schools');
CREATE TRIGGER dv_schools_settings_update AFTER UPDATE ON settings FOR EACH ROW EXECUTE FUNCTION data_version_bump('schools');
CREATE TRIGGER dv_schools_settings_delete AFTER DELETE ON settings FOR EACH ROW EXECUTE FUNCTION data_version_bump('schools');
CREATE TRIGGER dv_survey_survey_responses_insert AFTER INSERT ON survey_responses FOR EACH ROW EXECUTE FUNCTION data_version_bump('survey');
CREATE TRIGGER dv_survey_survey_responses_update AFTER UPDATE ON survey_responses FOR EACH ROW EXECUTE FUNCTION data_version_bump('survey');
CREATE TRIGGER dv_survey_survey_responses_delete AFTER DELETE ON survey_responses FOR EACH ROW EXECUTE FUNCTION data_version_bump('survey');
CREATE TRIGGER dv_survey_survey_runs_insert AFTER INSERT ON survey_runs FOR EACH ROW EXECUTE FUNCTION data_version_bump('survey');
CREATE TRIGGER dv_survey_survey_runs_update AFTER UPDATE ON survey_runs FOR EACH ROW EXECUTE FUNCTION data_version_bump('survey');
CREATE TRIGGER dv_survey_survey_runs_delete AFTER DELETE ON survey_runs FOR EACH ROW EXECUTE FUNCTION data_version_bump('survey');
CREATE TRIGGER dv_survey_settings_insert AFTER INSERT ON settings FOR EACH ROW EXECUTE FUNCTION data_version_bump('survey');
CREATE TRIGGER dv_survey_settings_update AFTER UPDATE ON settings FOR EACH ROW EXECUTE FUNCTION data_version_bump('survey');
CREATE TRIGGER dv_survey_settings_delete AFTER DELETE ON settings FOR EACH ROW EXECUTE FUNCTION data_version_bump('survey');
CREATE TRIGGER dv_training_sessions_insert AFTER INSERT ON sessions FOR EACH ROW EXECUTE FUNCTION data_version_bump('training');
CREATE TRIGGER dv_training_sessions_update AFTER UPDATE ON sessions FOR EACH ROW EXECUTE FUNCTION data_version_bump('training');
CREATE TRIGGER dv_training_sessions_delete AFTER DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION data_version_bump('training');
CREATE TRIGGER dv_training_bookings_insert AFTER INSERT ON bookings FOR EACH ROW EXECUTE FUNCTION data_version_bump('training');
CREATE TRIGGER dv_training_bookings_update AFTER UPDATE ON bookings FOR EACH ROW EXECUTE FUNCTION data_version_bump('training');
CREATE TRIGGER dv_training_bookings_delete AFTER DELETE ON bookings FOR EACH ROW EXECUTE FUNCTION data_version_bump('training');
CREATE TRIGGER dv_training_evaluations_insert AFTER INSERT ON evaluations FOR EACH ROW EXECUTE FUNCTION data_version_bump('training');
CREATE TRIGGER dv_training_evaluations_update AFTER UPDATE ON evaluations FOR EACH ROW EXECUTE FUNCTION data_version_bump('training');
CREATE TRIGGER dv_training_evaluations_delete AFTER DELETE ON evaluations FOR EACH ROW EXECUTE FUNCTION data_version_bump('training');
CREATE TRIGGER dv_campaigns_placements_insert AFTER INSERT ON placements FOR EACH ROW EXECUTE FUNCTION data_version_bump('campaigns');
CREATE TRIGGER dv_campaigns_placements_update AFTER UPDATE ON placements FOR EACH ROW EXECUTE FUNCTION data_version_bump('campaigns');
CREATE TRIGGER dv_campaigns_placements_delete AFTER DELETE ON placements FOR EACH ROW EXECUTE FUNCTION data_version_bump('campaigns');
CREATE TRIGGER dv_campaigns_scans_insert AFTER INSERT ON scans FOR EACH ROW EXECUTE FUNCTION data_version_bump('campaigns');
CREATE TRIGGER dv_campaigns_scans_update AFTER UPDATE ON scans FOR EACH ROW EXECUTE FUNCTION data_version_bump('campaigns');
CREATE TRIGGER dv_campaigns_scans_delete AFTER DELETE ON scans FOR EACH ROW EXECUTE FUNCTION data_version_bump('campaigns');
CREATE TRIGGER dv_pledges_employer_pledges_insert AFTER INSERT ON employer_pledges FOR EACH ROW EXECUTE FUNCTION data_version_bump('pledges');
CREATE TRIGGER dv_pledges_employer_pledges_update AFTER UPDATE ON employer_pledges FOR EACH ROW EXECUTE FUNCTION data_version_bump('pledges');
CREATE TRIGGER dv_pledges_employer_pledges_delete AFTER DELETE ON employer_pledges FOR EACH ROW EXECUTE FUNCTION data_version_bump('pledges');

-- Sessions that count as delivered, by area and when they ended (O5.1-O5.3, O5.7).
CREATE INDEX sessions_delivered ON sessions(area, ends_at) WHERE status = 'scheduled' AND school_urn IS NULL;

-- Daily totals for the two largest tables, kept in step by triggers in the same transaction as the
-- rows they count. Days are local (Europe/London: the server sets TZ), so a period's local-midnight
-- bounds select whole days. Placements and survey runs never move, so their area and phase are fixed.
CREATE TABLE scan_daily (
	area text NOT NULL,
	day text NOT NULL,
	n bigint NOT NULL,
	PRIMARY KEY (area, day)
);
INSERT INTO scan_daily (area, day, n)
	SELECT p.area, date(c.scanned_at, 'unixepoch', 'localtime'), count(*) FROM scans c
	JOIN placements p ON p.id = c.placement_id GROUP BY 1, 2;
CREATE FUNCTION scan_daily_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO scan_daily (area, day, n)
			SELECT p.area, date(NEW.scanned_at, 'unixepoch', 'localtime'), 1 FROM placements p WHERE p.id = NEW.placement_id
			ON CONFLICT (area, day) DO UPDATE SET n = scan_daily.n + 1;
	ELSE
		UPDATE scan_daily SET n = n - 1 WHERE day = date(OLD.scanned_at, 'unixepoch', 'localtime')
			AND area = (SELECT area FROM placements WHERE id = OLD.placement_id);
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER scan_daily_add AFTER INSERT ON scans FOR EACH ROW EXECUTE FUNCTION scan_daily_count();
CREATE TRIGGER scan_daily_remove AFTER DELETE ON scans FOR EACH ROW EXECUTE FUNCTION scan_daily_count();

CREATE TABLE survey_daily (
	urn text NOT NULL,
	phase text NOT NULL,
	day text NOT NULL,
	n bigint NOT NULL,
	good bigint NOT NULL,
	PRIMARY KEY (urn, phase, day)
);
INSERT INTO survey_daily (urn, phase, day, n, good)
	SELECT u.urn, u.phase, date(r.submitted_at, 'unixepoch', 'localtime'), count(*), sum(r.good_understanding)
	FROM survey_responses r JOIN survey_runs u ON u.id = r.run_id GROUP BY 1, 2, 3;
CREATE FUNCTION survey_daily_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO survey_daily (urn, phase, day, n, good)
			SELECT u.urn, u.phase, date(NEW.submitted_at, 'unixepoch', 'localtime'), 1, NEW.good_understanding
			FROM survey_runs u WHERE u.id = NEW.run_id
			ON CONFLICT (urn, phase, day) DO UPDATE SET n = survey_daily.n + 1, good = survey_daily.good + excluded.good;
	ELSE
		UPDATE survey_daily SET n = n - 1, good = good - OLD.good_understanding
			WHERE day = date(OLD.submitted_at, 'unixepoch', 'localtime')
			AND (urn, phase) = (SELECT urn, phase FROM survey_runs WHERE id = OLD.run_id);
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER survey_daily_add AFTER INSERT ON survey_responses FOR EACH ROW EXECUTE FUNCTION survey_daily_count();
CREATE TRIGGER survey_daily_remove AFTER DELETE ON survey_responses FOR EACH ROW EXECUTE FUNCTION survey_daily_count();
-- Distinct attendees per session without visiting the table.
CREATE INDEX bookings_session_people ON bookings(session_id, status, user_id);
