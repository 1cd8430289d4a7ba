-- 010 training versions by month: a booking for next month's course used to bump the one 'training'
-- version, so every cached training figure of every period was counted again on the next dashboard
-- view (about 0.4 s on the bench data set). Training figures count sessions by when they end, so a
-- change is now recorded against the local month its session ends in, and a figure is cached against
-- the months its period covers (indicators.c): last year's figures stay cached while people book ahead.
--
-- month is 'YYYY-MM' in local time, the same clock as the periods' local-midnight bounds.

CREATE TABLE data_month_versions (
	source text NOT NULL,
	month text NOT NULL,
	version bigint NOT NULL,
	PRIMARY KEY (source, month)
);

DROP TRIGGER dv_training_sessions_insert ON sessions;
DROP TRIGGER dv_training_sessions_update ON sessions;
DROP TRIGGER dv_training_sessions_delete ON sessions;
DROP TRIGGER dv_training_bookings_insert ON bookings;
DROP TRIGGER dv_training_bookings_update ON bookings;
DROP TRIGGER dv_training_bookings_delete ON bookings;
DROP TRIGGER dv_training_evaluations_insert ON evaluations;
DROP TRIGGER dv_training_evaluations_update ON evaluations;
DROP TRIGGER dv_training_evaluations_delete ON evaluations;

-- PostgreSQL: a month is to_char(to_timestamp(t), 'YYYY-MM') in the session's TimeZone (db.c sets the
-- process's), as SQLite's strftime('%Y-%m', t, 'unixepoch', 'localtime').
CREATE FUNCTION training_month_bump(VARIADIC ends bigint[]) RETURNS void LANGUAGE sql AS $$
	INSERT INTO data_month_versions (source, month, version)
		SELECT DISTINCT 'training', to_char(to_timestamp(e), 'YYYY-MM'), 1 FROM unnest(ends) e WHERE e IS NOT NULL
		ON CONFLICT (source, month) DO UPDATE SET version = data_month_versions.version + 1;
$$;

-- Sessions: the columns the training figures read. The booked and waitlisted counts (007) change
-- with every booking, which bumps the month itself, so they need not.
CREATE FUNCTION dvm_training_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		PERFORM training_month_bump(NEW.ends_at);
	ELSIF TG_OP = 'UPDATE' THEN
		PERFORM training_month_bump(OLD.ends_at, NEW.ends_at);
	ELSE
		PERFORM training_month_bump(OLD.ends_at);
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER dvm_training_sessions_insert AFTER INSERT ON sessions FOR EACH ROW
EXECUTE FUNCTION dvm_training_sessions();
CREATE TRIGGER dvm_training_sessions_update AFTER UPDATE OF id, starts_at, ends_at, area, status, school_urn ON sessions
FOR EACH ROW EXECUTE FUNCTION dvm_training_sessions();
CREATE TRIGGER dvm_training_sessions_delete AFTER DELETE ON sessions FOR EACH ROW
EXECUTE FUNCTION dvm_training_sessions();

-- Bookings (and so attendance marks, walk-ins and cancellations): the month of their session.
CREATE FUNCTION dvm_training_bookings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM training_month_bump(VARIADIC array(SELECT s.ends_at FROM sessions s WHERE s.id IN
		(CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.session_id END,
		 CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.session_id END)));
	RETURN NULL;
END $$;
CREATE TRIGGER dvm_training_bookings_insert AFTER INSERT ON bookings FOR EACH ROW
EXECUTE FUNCTION dvm_training_bookings();
CREATE TRIGGER dvm_training_bookings_update AFTER UPDATE ON bookings FOR EACH ROW
EXECUTE FUNCTION dvm_training_bookings();
CREATE TRIGGER dvm_training_bookings_delete AFTER DELETE ON bookings FOR EACH ROW
EXECUTE FUNCTION dvm_training_bookings();

-- Evaluations: the month of the session they evaluate.
CREATE FUNCTION dvm_training_evaluations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM training_month_bump(VARIADIC array(SELECT s.ends_at FROM bookings b JOIN sessions s ON s.id = b.session_id
		WHERE b.id IN (CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.booking_id END,
			       CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.booking_id END)));
	RETURN NULL;
END $$;
CREATE TRIGGER dvm_training_evaluations_insert AFTER INSERT ON evaluations FOR EACH ROW
EXECUTE FUNCTION dvm_training_evaluations();
CREATE TRIGGER dvm_training_evaluations_update AFTER UPDATE ON evaluations FOR EACH ROW
EXECUTE FUNCTION dvm_training_evaluations();
CREATE TRIGGER dvm_training_evaluations_delete AFTER DELETE ON evaluations FOR EACH ROW
EXECUTE FUNCTION dvm_training_evaluations();
