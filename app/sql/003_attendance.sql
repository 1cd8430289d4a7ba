-- 003 attendance: pupil head-counts, certificates with unguessable codes, and evaluations.
-- Attendance itself is the booking's status; every change of it goes to audit_log
-- (entity 'attendance', entity_id the booking id).

ALTER TABLE sessions ADD COLUMN pupils_present INTEGER CHECK (pupils_present >= 0);

CREATE TABLE certificates (
	code TEXT PRIMARY KEY,
	booking_id INTEGER NOT NULL UNIQUE REFERENCES bookings(id),
	issued_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE evaluations (
	id INTEGER PRIMARY KEY,
	booking_id INTEGER NOT NULL UNIQUE REFERENCES bookings(id),
	submitted_at INTEGER NOT NULL,
	usefulness INTEGER NOT NULL CHECK (usefulness BETWEEN 1 AND 5),
	recognise_before INTEGER NOT NULL CHECK (recognise_before BETWEEN 1 AND 5),
	recognise_after INTEGER NOT NULL CHECK (recognise_after BETWEEN 1 AND 5),
	act_before INTEGER NOT NULL CHECK (act_before BETWEEN 1 AND 5),
	act_after INTEGER NOT NULL CHECK (act_after BETWEEN 1 AND 5),
	comments TEXT
);
