-- 022 reserved booked: the places a session's reserved sector has booked, kept on the session's row
-- by the trigger that keeps booked and waitlisted (007), instead of counted by a subquery in every
-- statement that reads a session. On PostgreSQL that subquery, though it runs only for a session
-- with a reserve, was set up for every run of the session list's statement: half its cost.
ALTER TABLE sessions ADD COLUMN reserved_booked bigint NOT NULL DEFAULT 0 CHECK (reserved_booked >= 0);
UPDATE sessions SET reserved_booked = (SELECT count(*) FROM bookings b WHERE b.session_id = sessions.id
	AND b.status = 'booked' AND b.sector = sessions.reserved_sector)
WHERE reserved_sector IS NOT NULL;

CREATE OR REPLACE FUNCTION bookings_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status IN ('booked', 'waitlisted') THEN
		UPDATE sessions SET booked = booked - (OLD.status = 'booked')::int,
			waitlisted = waitlisted - (OLD.status = 'waitlisted')::int,
			reserved_booked = reserved_booked - coalesce(OLD.status = 'booked' AND OLD.sector = reserved_sector, false)::int
		WHERE id = OLD.session_id;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status IN ('booked', 'waitlisted') THEN
		UPDATE sessions SET booked = booked + (NEW.status = 'booked')::int,
			waitlisted = waitlisted + (NEW.status = 'waitlisted')::int,
			reserved_booked = reserved_booked + coalesce(NEW.status = 'booked' AND NEW.sector = reserved_sector, false)::int
		WHERE id = NEW.session_id;
	END IF;
	RETURN NULL;
END $$;

DROP TRIGGER bookings_count_update ON bookings;
CREATE TRIGGER bookings_count_update AFTER UPDATE OF status, session_id, sector ON bookings FOR EACH ROW
WHEN ((OLD.status IN ('booked', 'waitlisted') OR NEW.status IN ('booked', 'waitlisted'))
	AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.session_id IS DISTINCT FROM NEW.session_id
		OR OLD.sector IS DISTINCT FROM NEW.sector))
EXECUTE FUNCTION bookings_count();

-- Another reserved sector: its bookings are counted afresh.
CREATE FUNCTION sessions_reserved_booked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE sessions SET reserved_booked = (SELECT count(*) FROM bookings b WHERE b.session_id = NEW.id
		AND b.status = 'booked' AND b.sector = NEW.reserved_sector)
	WHERE id = NEW.id;
	RETURN NULL;
END $$;
CREATE TRIGGER sessions_reserved_booked AFTER UPDATE OF reserved_sector ON sessions FOR EACH ROW
WHEN (OLD.reserved_sector IS DISTINCT FROM NEW.reserved_sector) EXECUTE FUNCTION sessions_reserved_booked();
