-- 005 campaigns: where materials were placed, the QR scans they brought, other reach that campaign
-- leads record, anonymous page feedback, and employers who signed the domestic abuse employer pledge.
-- Campaign and material ids are those of the campaigns/ catalogue (checked by the code, as courses are).

CREATE TABLE placements (
	id INTEGER PRIMARY KEY,
	campaign_id TEXT NOT NULL,
	material_id TEXT NOT NULL,
	place TEXT NOT NULL,
	area TEXT NOT NULL REFERENCES areas(id), -- a leaf: scans belong to the area of their placement
	quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 1000000),
	placed_on TEXT NOT NULL CHECK (placed_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
	lang TEXT NOT NULL, -- the landing page's language
	code TEXT NOT NULL UNIQUE, -- random, in /c/{code}: never a row id, which could be guessed
	created_by INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL
);
CREATE INDEX placements_campaign ON placements(campaign_id, placed_on);

-- One row per scan: the time and the placement, nothing about the person.
CREATE TABLE scans (
	id INTEGER PRIMARY KEY,
	placement_id INTEGER NOT NULL REFERENCES placements(id),
	scanned_at INTEGER NOT NULL
);
CREATE INDEX scans_placement ON scans(placement_id, scanned_at);
CREATE INDEX scans_time ON scans(scanned_at);

-- Reach that is not a scan: events (count = attendance), press, radio and social posts (count = the
-- audience or reach the source reports), each with where the figure came from.
CREATE TABLE campaign_reach (
	id INTEGER PRIMARY KEY,
	campaign_id TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('event', 'press', 'radio', 'social')),
	happened_on TEXT NOT NULL CHECK (happened_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
	area TEXT NOT NULL REFERENCES areas(id),
	count INTEGER NOT NULL CHECK (count >= 0),
	source TEXT NOT NULL,
	note TEXT,
	created_by INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL
);
CREATE INDEX campaign_reach_campaign ON campaign_reach(campaign_id, happened_on);

-- "Was this page helpful?": counts per page, language and day only, so no answer can be traced.
-- page is a campaign id, or 'help' for the general page.
CREATE TABLE page_feedback (
	page TEXT NOT NULL,
	lang TEXT NOT NULL,
	given_on TEXT NOT NULL,
	helpful INTEGER NOT NULL CHECK (helpful IN (0, 1)),
	count INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (page, lang, given_on, helpful)
) WITHOUT ROWID;

-- The employer pledge register (Outcome 5): a contact's role, never their name.
CREATE TABLE employer_pledges (
	id INTEGER PRIMARY KEY,
	employer TEXT NOT NULL UNIQUE COLLATE NOCASE,
	sector TEXT NOT NULL REFERENCES sectors(id),
	area TEXT NOT NULL REFERENCES areas(id),
	signed_on TEXT NOT NULL CHECK (signed_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
	contact_role TEXT NOT NULL,
	campaign_id TEXT, -- the campaign that brought them in, if any
	created_by INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL
);
CREATE INDEX employer_pledges_signed ON employer_pledges(signed_on);
