-- 008 indicator caching: a version per source of indicator figures, bumped by triggers in the same
-- transaction as any change to that source's tables, so a figure cached against a version can never
-- outlive the records it was counted from.

CREATE TABLE data_versions (
	source TEXT PRIMARY KEY,
	version INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO data_versions (source, version) VALUES ('schools', 0), ('survey', 0), ('training', 0),
	('campaigns', 0), ('pledges', 0);

CREATE TRIGGER dv_schools_deliveries_insert AFTER INSERT ON deliveries BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'schools';
END;
CREATE TRIGGER dv_schools_deliveries_update AFTER UPDATE ON deliveries BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'schools';
END;
CREATE TRIGGER dv_schools_deliveries_delete AFTER DELETE ON deliveries BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'schools';
END;
CREATE TRIGGER dv_schools_settings_insert AFTER INSERT ON settings BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'schools';
END;
CREATE TRIGGER dv_schools_settings_update AFTER UPDATE ON settings BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'schools';
END;
CREATE TRIGGER dv_schools_settings_delete AFTER DELETE ON settings BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'schools';
END;
CREATE TRIGGER dv_survey_survey_responses_insert AFTER INSERT ON survey_responses BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'survey';
END;
CREATE TRIGGER dv_survey_survey_responses_update AFTER UPDATE ON survey_responses BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'survey';
END;
CREATE TRIGGER dv_survey_survey_responses_delete AFTER DELETE ON survey_responses BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'survey';
END;
CREATE TRIGGER dv_survey_survey_runs_insert AFTER INSERT ON survey_runs BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'survey';
END;
CREATE TRIGGER dv_survey_survey_runs_update AFTER UPDATE ON survey_runs BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'survey';
END;
CREATE TRIGGER dv_survey_survey_runs_delete AFTER DELETE ON survey_runs BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'survey';
END;
CREATE TRIGGER dv_survey_settings_insert AFTER INSERT ON settings BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'survey';
END;
CREATE TRIGGER dv_survey_settings_update AFTER UPDATE ON settings BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'survey';
END;
CREATE TRIGGER dv_survey_settings_delete AFTER DELETE ON settings BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'survey';
END;
CREATE TRIGGER dv_training_sessions_insert AFTER INSERT ON sessions BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'training';
END;
CREATE TRIGGER dv_training_sessions_update AFTER UPDATE ON sessions BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'training';
END;
CREATE TRIGGER dv_training_sessions_delete AFTER DELETE ON sessions BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'training';
END;
CREATE TRIGGER dv_training_bookings_insert AFTER INSERT ON bookings BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'training';
END;
CREATE TRIGGER dv_training_bookings_update AFTER UPDATE ON bookings BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'training';
END;
CREATE TRIGGER dv_training_bookings_delete AFTER DELETE ON bookings BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'training';
END;
CREATE TRIGGER dv_training_evaluations_insert AFTER INSERT ON evaluations BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'training';
END;
CREATE TRIGGER dv_training_evaluations_update AFTER UPDATE ON evaluations BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'training';
END;
CREATE TRIGGER dv_training_evaluations_delete AFTER DELETE ON evaluations BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'training';
END;
CREATE TRIGGER dv_campaigns_placements_insert AFTER INSERT ON placements BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'campaigns';
END;
CREATE TRIGGER dv_campaigns_placements_update AFTER UPDATE ON placements BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'campaigns';
END;
CREATE TRIGGER dv_campaigns_placements_delete AFTER DELETE ON placements BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'campaigns';
END;
CREATE TRIGGER dv_campaigns_scans_insert AFTER INSERT ON scans BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'campaigns';
END;
CREATE TRIGGER dv_campaigns_scans_update AFTER UPDATE ON scans BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'campaigns';
END;
CREATE TRIGGER dv_campaigns_scans_delete AFTER DELETE ON scans BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'campaigns';
END;
CREATE TRIGGER dv_pledges_employer_pledges_insert AFTER INSERT ON employer_pledges BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'pledges';
END;
CREATE TRIGGER dv_pledges_employer_pledges_update AFTER UPDATE ON employer_pledges BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'pledges';
END;
CREATE TRIGGER dv_pledges_employer_pledges_delete AFTER DELETE ON employer_pledges BEGIN
	UPDATE data_versions SET version = version + 1 WHERE source = 'pledges';
END;

-- Sessions that count as delivered, by area and when they ended (O5.1-O5.3, O5.7).
CREATE INDEX sessions_delivered ON sessions(area, ends_at) WHERE status = 'scheduled' AND school_urn IS NULL;

-- Daily totals for the two largest tables, kept in step by triggers in the same transaction as the
-- rows they count. Days are local (Europe/London: the server sets TZ), so a period's local-midnight
-- bounds select whole days. Placements and survey runs never move, so their area and phase are fixed.
CREATE TABLE scan_daily (
	area TEXT NOT NULL,
	day TEXT NOT NULL,
	n INTEGER NOT NULL,
	PRIMARY KEY (area, day)
) WITHOUT ROWID;
INSERT INTO scan_daily (area, day, n)
	SELECT p.area, date(c.scanned_at, 'unixepoch', 'localtime'), count(*) FROM scans c
	JOIN placements p ON p.id = c.placement_id GROUP BY 1, 2;
CREATE TRIGGER scan_daily_add AFTER INSERT ON scans BEGIN
	INSERT INTO scan_daily (area, day, n)
		SELECT p.area, date(NEW.scanned_at, 'unixepoch', 'localtime'), 1 FROM placements p WHERE p.id = NEW.placement_id
		ON CONFLICT (area, day) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER scan_daily_remove AFTER DELETE ON scans BEGIN
	UPDATE scan_daily SET n = n - 1 WHERE day = date(OLD.scanned_at, 'unixepoch', 'localtime')
		AND area = (SELECT area FROM placements WHERE id = OLD.placement_id);
END;

CREATE TABLE survey_daily (
	urn TEXT NOT NULL,
	phase TEXT NOT NULL,
	day TEXT NOT NULL,
	n INTEGER NOT NULL,
	good INTEGER NOT NULL,
	PRIMARY KEY (urn, phase, day)
) WITHOUT ROWID;
INSERT INTO survey_daily (urn, phase, day, n, good)
	SELECT u.urn, u.phase, date(r.submitted_at, 'unixepoch', 'localtime'), count(*), sum(r.good_understanding)
	FROM survey_responses r JOIN survey_runs u ON u.id = r.run_id GROUP BY 1, 2, 3;
CREATE TRIGGER survey_daily_add AFTER INSERT ON survey_responses BEGIN
	INSERT INTO survey_daily (urn, phase, day, n, good)
		SELECT u.urn, u.phase, date(NEW.submitted_at, 'unixepoch', 'localtime'), 1, NEW.good_understanding
		FROM survey_runs u WHERE u.id = NEW.run_id
		ON CONFLICT (urn, phase, day) DO UPDATE SET n = n + 1, good = good + excluded.good;
END;
CREATE TRIGGER survey_daily_remove AFTER DELETE ON survey_responses BEGIN
	UPDATE survey_daily SET n = n - 1, good = good - OLD.good_understanding
		WHERE day = date(OLD.submitted_at, 'unixepoch', 'localtime')
		AND (urn, phase) = (SELECT urn, phase FROM survey_runs WHERE id = OLD.run_id);
END;
-- Distinct attendees per session without visiting the table.
CREATE INDEX bookings_session_people ON bookings(session_id, status, user_id);
