-- 011 reserve release: when a sector reservation has lapsed, its places go to the waiting list once
-- (by the first booking that finds it lapsed, or by the server's duty), and reserve_released_at says
-- that happened. The duty's index then holds only reservations not yet released, oldest first, so it
-- never walks past the sessions it has done with.
ALTER TABLE sessions ADD COLUMN reserve_released_at INTEGER;

-- Reservations of sessions already over are done with.
UPDATE sessions SET reserve_released_at = reserved_until
WHERE reserved_places > 0 AND reserved_until IS NOT NULL AND ends_at <= CAST(strftime('%s', 'now') AS INTEGER);

DROP INDEX sessions_reserved;
CREATE INDEX sessions_reserve_due ON sessions(reserved_until) WHERE reserved_places > 0 AND reserve_released_at IS NULL;

-- A changed reservation (another sector, number or time) is a new hold, to be released in its turn.
CREATE TRIGGER sessions_reserve_changed AFTER UPDATE OF reserved_sector, reserved_places, reserved_until ON sessions
WHEN OLD.reserve_released_at IS NOT NULL AND (OLD.reserved_sector IS NOT NEW.reserved_sector
	OR OLD.reserved_places <> NEW.reserved_places OR OLD.reserved_until IS NOT NEW.reserved_until)
BEGIN
	UPDATE sessions SET reserve_released_at = NULL WHERE id = NEW.id;
END;
