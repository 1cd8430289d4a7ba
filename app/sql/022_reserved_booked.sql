-- 022 reserved booked: the places a session's reserved sector has booked, kept on the session's row
-- by the triggers that keep booked and waitlisted (007), instead of counted by a subquery in every
-- statement that reads a session. On PostgreSQL that subquery, though it runs only for a session
-- with a reserve, was set up for every run of the session list's statement: half its cost.
ALTER TABLE sessions ADD COLUMN reserved_booked INTEGER NOT NULL DEFAULT 0 CHECK (reserved_booked >= 0);
UPDATE sessions SET reserved_booked = (SELECT count(*) FROM bookings b WHERE b.session_id = sessions.id
	AND b.status = 'booked' AND b.sector = sessions.reserved_sector)
WHERE reserved_sector IS NOT NULL;

DROP TRIGGER bookings_count_insert;
DROP TRIGGER bookings_count_update;
DROP TRIGGER bookings_count_delete;

CREATE TRIGGER bookings_count_insert AFTER INSERT ON bookings
WHEN NEW.status IN ('booked', 'waitlisted')
BEGIN
	UPDATE sessions SET booked = booked + (NEW.status = 'booked'), waitlisted = waitlisted + (NEW.status = 'waitlisted'),
		reserved_booked = reserved_booked + coalesce(NEW.status = 'booked' AND NEW.sector = reserved_sector, 0)
	WHERE id = NEW.session_id;
END;

CREATE TRIGGER bookings_count_update AFTER UPDATE OF status, session_id, sector ON bookings
WHEN (OLD.status IN ('booked', 'waitlisted') OR NEW.status IN ('booked', 'waitlisted'))
	AND (OLD.status IS NOT NEW.status OR OLD.session_id IS NOT NEW.session_id OR OLD.sector IS NOT NEW.sector)
BEGIN
	UPDATE sessions SET booked = booked - (OLD.status = 'booked'), waitlisted = waitlisted - (OLD.status = 'waitlisted'),
		reserved_booked = reserved_booked - coalesce(OLD.status = 'booked' AND OLD.sector = reserved_sector, 0)
	WHERE id = OLD.session_id;
	UPDATE sessions SET booked = booked + (NEW.status = 'booked'), waitlisted = waitlisted + (NEW.status = 'waitlisted'),
		reserved_booked = reserved_booked + coalesce(NEW.status = 'booked' AND NEW.sector = reserved_sector, 0)
	WHERE id = NEW.session_id;
END;

CREATE TRIGGER bookings_count_delete AFTER DELETE ON bookings
WHEN OLD.status IN ('booked', 'waitlisted')
BEGIN
	UPDATE sessions SET booked = booked - (OLD.status = 'booked'), waitlisted = waitlisted - (OLD.status = 'waitlisted'),
		reserved_booked = reserved_booked - coalesce(OLD.status = 'booked' AND OLD.sector = reserved_sector, 0)
	WHERE id = OLD.session_id;
END;

-- Another reserved sector: its bookings are counted afresh.
CREATE TRIGGER sessions_reserved_booked AFTER UPDATE OF reserved_sector ON sessions
WHEN OLD.reserved_sector IS NOT NEW.reserved_sector
BEGIN
	UPDATE sessions SET reserved_booked = (SELECT count(*) FROM bookings b WHERE b.session_id = NEW.id
		AND b.status = 'booked' AND b.sector = NEW.reserved_sector)
	WHERE id = NEW.id;
END;
