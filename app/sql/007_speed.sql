-- 007 speed (issue 8; 006 is the indicators branch's): figures kept in step with the rows they
-- summarise, by triggers, so they change in the same transaction as those rows whatever code writes them.
--
-- A session's booked and waitlisted counts: the list pages, the API and booking itself read a
-- session's places from its own row instead of counting bookings, and the CHECK is one more line of
-- defence behind booking.c for "never more booked than capacity".

ALTER TABLE sessions ADD COLUMN booked INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0 AND booked <= capacity);
ALTER TABLE sessions ADD COLUMN waitlisted INTEGER NOT NULL DEFAULT 0 CHECK (waitlisted >= 0);
UPDATE sessions SET
	booked = (SELECT count(*) FROM bookings b WHERE b.session_id = sessions.id AND b.status = 'booked'),
	waitlisted = (SELECT count(*) FROM bookings b WHERE b.session_id = sessions.id AND b.status = 'waitlisted');

CREATE TRIGGER bookings_count_insert AFTER INSERT ON bookings
WHEN NEW.status IN ('booked', 'waitlisted')
BEGIN
	UPDATE sessions SET booked = booked + (NEW.status = 'booked'), waitlisted = waitlisted + (NEW.status = 'waitlisted')
	WHERE id = NEW.session_id;
END;

CREATE TRIGGER bookings_count_update AFTER UPDATE OF status, session_id ON bookings
WHEN (OLD.status IN ('booked', 'waitlisted') OR NEW.status IN ('booked', 'waitlisted'))
	AND (OLD.status IS NOT NEW.status OR OLD.session_id IS NOT NEW.session_id)
BEGIN
	UPDATE sessions SET booked = booked - (OLD.status = 'booked'), waitlisted = waitlisted - (OLD.status = 'waitlisted')
	WHERE id = OLD.session_id;
	UPDATE sessions SET booked = booked + (NEW.status = 'booked'), waitlisted = waitlisted + (NEW.status = 'waitlisted')
	WHERE id = NEW.session_id;
END;

CREATE TRIGGER bookings_count_delete AFTER DELETE ON bookings
WHEN OLD.status IN ('booked', 'waitlisted')
BEGIN
	UPDATE sessions SET booked = booked - (OLD.status = 'booked'), waitlisted = waitlisted - (OLD.status = 'waitlisted')
	WHERE id = OLD.session_id;
END;

-- The longest session there has ever been (it only grows): "sessions not yet ended" is then an index
-- range on starts_at, from now less this, instead of a scan of every past session.
CREATE TABLE session_span (
	one INTEGER PRIMARY KEY CHECK (one = 1),
	longest INTEGER NOT NULL CHECK (longest >= 0)
);
INSERT INTO session_span (one, longest) VALUES (1, coalesce((SELECT max(ends_at - starts_at) FROM sessions), 0));

CREATE TRIGGER sessions_span_insert AFTER INSERT ON sessions
BEGIN
	UPDATE session_span SET longest = max(longest, NEW.ends_at - NEW.starts_at);
END;

CREATE TRIGGER sessions_span_update AFTER UPDATE OF starts_at, ends_at ON sessions
BEGIN
	UPDATE session_span SET longest = max(longest, NEW.ends_at - NEW.starts_at);
END;

-- Sessions holding places for a sector: the server looks every few seconds for reservations that have
-- lapsed while people wait, and should not read every session to find the few.
CREATE INDEX sessions_reserved ON sessions(reserved_until) WHERE reserved_places > 0;
