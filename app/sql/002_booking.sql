-- 002 booking: face-to-face sessions, their trainers, bookings with waiting lists, and school
-- requests for pupil sessions. A session's area is its venue's; figures roll up through area_tree.

CREATE TABLE sessions (
	id INTEGER PRIMARY KEY,
	course_id TEXT NOT NULL,
	module_id TEXT,
	starts_at INTEGER NOT NULL,
	ends_at INTEGER NOT NULL,
	capacity INTEGER NOT NULL CHECK (capacity >= 1),
	venue_name TEXT NOT NULL,
	venue_address TEXT NOT NULL,
	venue_postcode TEXT NOT NULL,
	venue_room TEXT,
	venue_access TEXT,
	area TEXT NOT NULL REFERENCES areas(id),
	booking_opens_at INTEGER,
	booking_closes_at INTEGER,
	cancel_cutoff_at INTEGER,
	-- places held for one sector until a release time, after which they open to everyone
	reserved_sector TEXT REFERENCES sectors(id),
	reserved_places INTEGER NOT NULL DEFAULT 0,
	reserved_until INTEGER,
	school_urn TEXT REFERENCES settings(urn),
	year_group INTEGER CHECK (year_group BETWEEN 7 AND 13),
	pupils_expected INTEGER CHECK (pupils_expected >= 0),
	status TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
	created_at INTEGER NOT NULL,
	cancelled_at INTEGER,
	CHECK (ends_at > starts_at),
	CHECK (reserved_places >= 0 AND reserved_places <= capacity)
);
CREATE INDEX sessions_starts ON sessions(starts_at);
CREATE INDEX sessions_course ON sessions(course_id, starts_at);
CREATE INDEX sessions_area ON sessions(area, starts_at);

CREATE TABLE session_trainers (
	session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users(id),
	PRIMARY KEY (session_id, user_id)
) WITHOUT ROWID;
CREATE INDEX session_trainers_user ON session_trainers(user_id);

-- The id is the arrival order: the waiting list is served by it.
CREATE TABLE bookings (
	id INTEGER PRIMARY KEY,
	session_id INTEGER NOT NULL REFERENCES sessions(id),
	user_id INTEGER NOT NULL REFERENCES users(id),
	sector TEXT, -- the booker's sector when they booked, for reserved places
	status TEXT NOT NULL CHECK (status IN ('booked', 'waitlisted', 'cancelled', 'attended', 'late', 'partial',
		'absent', 'excused')),
	created_at INTEGER NOT NULL,
	booked_at INTEGER, -- when a place became theirs (at booking or on promotion)
	cancelled_at INTEGER,
	booked_by INTEGER REFERENCES users(id),
	walk_in INTEGER NOT NULL DEFAULT 0
);
-- One live booking per person per session: the last line of defence behind the code's check.
CREATE UNIQUE INDEX bookings_one_live ON bookings(session_id, user_id) WHERE status <> 'cancelled';
CREATE INDEX bookings_session_status ON bookings(session_id, status, id);
CREATE INDEX bookings_user ON bookings(user_id, status);

-- Discretion: calendar entries and e-mails say "Training session" unless the person opts in.
ALTER TABLE users ADD COLUMN show_course_names INTEGER NOT NULL DEFAULT 0;
-- Rotating this salt revokes the personal calendar feed's address.
ALTER TABLE users ADD COLUMN calendar_salt TEXT;

CREATE TABLE session_requests (
	id INTEGER PRIMARY KEY,
	school_urn TEXT NOT NULL REFERENCES settings(urn),
	requested_by INTEGER NOT NULL REFERENCES users(id),
	course_id TEXT NOT NULL,
	module_id TEXT,
	year_group INTEGER NOT NULL CHECK (year_group BETWEEN 7 AND 13),
	pupils_expected INTEGER NOT NULL CHECK (pupils_expected >= 1),
	preferred_dates TEXT NOT NULL,
	notes TEXT,
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'confirmed', 'declined')),
	session_id INTEGER REFERENCES sessions(id),
	created_at INTEGER NOT NULL,
	decided_at INTEGER,
	decided_by INTEGER REFERENCES users(id)
);
CREATE INDEX session_requests_status ON session_requests(status, created_at);
