-- Venues are kept, so a session's venue is chosen from a list instead of typed again (issue 15).
-- A session keeps its own copy of the venue's details (what its attendees were told, and what every
-- page and figure reads), and venue_id says which kept venue it was at. A venue is one name at one
-- postcode, however they were typed: a "new venue" with a known pair is the known venue.
CREATE TABLE venues (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	address TEXT NOT NULL,
	postcode TEXT NOT NULL,
	access TEXT,
	area TEXT NOT NULL REFERENCES areas(id),
	created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX venues_identity ON venues(lower(trim(name)), upper(replace(postcode, ' ', '')));

ALTER TABLE sessions ADD COLUMN venue_id INTEGER REFERENCES venues(id);
CREATE INDEX sessions_venue ON sessions(venue_id);

-- Every venue sessions were held at becomes a kept venue, with the details of its latest session.
INSERT INTO venues (name, address, postcode, access, area, created_at)
SELECT trim(venue_name), venue_address, trim(venue_postcode), venue_access, area, created_at FROM (
	SELECT venue_name, venue_address, venue_postcode, venue_access, area, created_at,
	       row_number() OVER (PARTITION BY lower(trim(venue_name)), upper(replace(venue_postcode, ' ', ''))
				  ORDER BY starts_at DESC, id DESC) AS latest
	FROM sessions)
WHERE latest = 1;
UPDATE sessions SET venue_id = (SELECT v.id FROM venues v WHERE lower(trim(v.name)) = lower(trim(sessions.venue_name))
	AND upper(replace(v.postcode, ' ', '')) = upper(replace(sessions.venue_postcode, ' ', '')));
