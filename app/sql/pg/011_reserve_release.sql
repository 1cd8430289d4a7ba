-- 011 reserve release: when a sector reservation has lapsed, its places go to the waiting list once
-- (by the first booking that finds it lapsed, or by the server's duty), and reserve_released_at says
-- that happened. The duty's index then holds only reservations not yet released, oldest first, so it
-- never walks past the sessions it has done with.
ALTER TABLE sessions ADD COLUMN reserve_released_at bigint;

-- Reservations of sessions already over are done with.
UPDATE sessions SET reserve_released_at = reserved_until
WHERE reserved_places > 0 AND reserved_until IS NOT NULL AND ends_at <= unixepoch();

DROP INDEX sessions_reserved;
CREATE INDEX sessions_reserve_due ON sessions(reserved_until) WHERE reserved_places > 0 AND reserve_released_at IS NULL;

-- A changed reservation (another sector, number or time) is a new hold, to be released in its turn.
CREATE FUNCTION sessions_reserve_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE sessions SET reserve_released_at = NULL WHERE id = NEW.id;
	RETURN NULL;
END $$;
CREATE TRIGGER sessions_reserve_changed AFTER UPDATE OF reserved_sector, reserved_places, reserved_until ON sessions
FOR EACH ROW WHEN (OLD.reserve_released_at IS NOT NULL AND (OLD.reserved_sector IS DISTINCT FROM NEW.reserved_sector
	OR OLD.reserved_places <> NEW.reserved_places OR OLD.reserved_until IS DISTINCT FROM NEW.reserved_until))
EXECUTE FUNCTION sessions_reserve_changed();
