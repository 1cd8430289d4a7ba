-- 016 certificates after the session: a certificate, the evaluation request and their e-mail come
-- only once a session has ended, from the server's duty, for people marked attended, late or
-- partial. certificates_due holds the bookings marked as there whose certificate the duty has not yet
-- looked at (a handful: the sessions running or just ended); the duty issues the certificate and
-- queues its e-mail in one transaction, so a certificate row means "issued and e-mailed", once.
CREATE TABLE certificates_due (
	booking_id INTEGER PRIMARY KEY REFERENCES bookings(id)
);

-- Someone who left early: the minutes they were there, which their certificate states.
ALTER TABLE bookings ADD COLUMN minutes_attended INTEGER CHECK (minutes_attended > 0);

-- An admin can withdraw a certificate; its public page then says so, and when.
ALTER TABLE certificates ADD COLUMN withdrawn_at INTEGER;
ALTER TABLE certificates ADD COLUMN withdrawn_by INTEGER REFERENCES users(id);
ALTER TABLE certificates ADD COLUMN withdrawn_reason TEXT;

-- Before this, a certificate was made on first view, even during the session: those of sessions not
-- yet over were issued too early and go. Their people were e-mailed at the mark, before the end;
-- the duty tells them again, correctly, once the session is over.
DELETE FROM certificates WHERE booking_id IN (SELECT b.id FROM bookings b JOIN sessions s ON s.id = b.session_id
	WHERE s.ends_at > CAST(strftime('%s', 'now') AS INTEGER));
INSERT INTO certificates_due (booking_id)
SELECT b.id FROM bookings b JOIN sessions s ON s.id = b.session_id
WHERE b.status IN ('attended', 'late', 'partial') AND s.ends_at > CAST(strftime('%s', 'now') AS INTEGER);

-- Attendances of sessions already over were e-mailed at the mark: their certificates are issued
-- now, without another e-mail.
INSERT INTO certificates (code, booking_id, issued_at)
SELECT lower(hex(randomblob(18))), b.id, CAST(strftime('%s', 'now') AS INTEGER)
FROM bookings b JOIN sessions s ON s.id = b.session_id
WHERE b.status IN ('attended', 'late', 'partial') AND s.ends_at <= CAST(strftime('%s', 'now') AS INTEGER)
	AND s.status <> 'cancelled' AND NOT EXISTS (SELECT 1 FROM certificates c WHERE c.booking_id = b.id);
