-- 010 training versions by month: a booking for next month's course used to bump the one 'training'
-- version, so every cached training figure of every period was counted again on the next dashboard
-- view (about 0.4 s on the bench data set). Training figures count sessions by when they end, so a
-- change is now recorded against the local month its session ends in, and a figure is cached against
-- the months its period covers (indicators.c): last year's figures stay cached while people book ahead.
--
-- month is 'YYYY-MM' in local time, the same clock as the periods' local-midnight bounds.

CREATE TABLE data_month_versions (
	source TEXT NOT NULL,
	month TEXT NOT NULL,
	version INTEGER NOT NULL,
	PRIMARY KEY (source, month)
) WITHOUT ROWID;

DROP TRIGGER dv_training_sessions_insert;
DROP TRIGGER dv_training_sessions_update;
DROP TRIGGER dv_training_sessions_delete;
DROP TRIGGER dv_training_bookings_insert;
DROP TRIGGER dv_training_bookings_update;
DROP TRIGGER dv_training_bookings_delete;
DROP TRIGGER dv_training_evaluations_insert;
DROP TRIGGER dv_training_evaluations_update;
DROP TRIGGER dv_training_evaluations_delete;

-- Sessions: the columns the training figures read. The booked and waitlisted counts (007) change
-- with every booking, which bumps the month itself, so they need not.
CREATE TRIGGER dvm_training_sessions_insert AFTER INSERT ON sessions BEGIN
	INSERT INTO data_month_versions (source, month, version)
		VALUES ('training', strftime('%Y-%m', NEW.ends_at, 'unixepoch', 'localtime'), 1)
		ON CONFLICT (source, month) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dvm_training_sessions_update AFTER UPDATE OF id, starts_at, ends_at, area, status, school_urn ON sessions
BEGIN
	INSERT INTO data_month_versions (source, month, version)
		VALUES ('training', strftime('%Y-%m', OLD.ends_at, 'unixepoch', 'localtime'), 1),
		       ('training', strftime('%Y-%m', NEW.ends_at, 'unixepoch', 'localtime'), 1)
		ON CONFLICT (source, month) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dvm_training_sessions_delete AFTER DELETE ON sessions BEGIN
	INSERT INTO data_month_versions (source, month, version)
		VALUES ('training', strftime('%Y-%m', OLD.ends_at, 'unixepoch', 'localtime'), 1)
		ON CONFLICT (source, month) DO UPDATE SET version = version + 1;
END;

-- Bookings (and so attendance marks, walk-ins and cancellations): the month of their session.
CREATE TRIGGER dvm_training_bookings_insert AFTER INSERT ON bookings BEGIN
	INSERT INTO data_month_versions (source, month, version)
		SELECT 'training', strftime('%Y-%m', s.ends_at, 'unixepoch', 'localtime'), 1 FROM sessions s
		WHERE s.id = NEW.session_id
		ON CONFLICT (source, month) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dvm_training_bookings_update AFTER UPDATE ON bookings BEGIN
	INSERT INTO data_month_versions (source, month, version)
		SELECT 'training', strftime('%Y-%m', s.ends_at, 'unixepoch', 'localtime'), 1 FROM sessions s
		WHERE s.id IN (OLD.session_id, NEW.session_id)
		ON CONFLICT (source, month) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dvm_training_bookings_delete AFTER DELETE ON bookings BEGIN
	INSERT INTO data_month_versions (source, month, version)
		SELECT 'training', strftime('%Y-%m', s.ends_at, 'unixepoch', 'localtime'), 1 FROM sessions s
		WHERE s.id = OLD.session_id
		ON CONFLICT (source, month) DO UPDATE SET version = version + 1;
END;

-- Evaluations: the month of the session they evaluate.
CREATE TRIGGER dvm_training_evaluations_insert AFTER INSERT ON evaluations BEGIN
	INSERT INTO data_month_versions (source, month, version)
		SELECT 'training', strftime('%Y-%m', s.ends_at, 'unixepoch', 'localtime'), 1
		FROM bookings b JOIN sessions s ON s.id = b.session_id WHERE b.id = NEW.booking_id
		ON CONFLICT (source, month) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dvm_training_evaluations_update AFTER UPDATE ON evaluations BEGIN
	INSERT INTO data_month_versions (source, month, version)
		SELECT 'training', strftime('%Y-%m', s.ends_at, 'unixepoch', 'localtime'), 1
		FROM bookings b JOIN sessions s ON s.id = b.session_id WHERE b.id IN (OLD.booking_id, NEW.booking_id)
		ON CONFLICT (source, month) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER dvm_training_evaluations_delete AFTER DELETE ON evaluations BEGIN
	INSERT INTO data_month_versions (source, month, version)
		SELECT 'training', strftime('%Y-%m', s.ends_at, 'unixepoch', 'localtime'), 1
		FROM bookings b JOIN sessions s ON s.id = b.session_id WHERE b.id = OLD.booking_id
		ON CONFLICT (source, month) DO UPDATE SET version = version + 1;
END;
