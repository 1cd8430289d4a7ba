-- 001 foundation: reference data (areas, sectors), organisations, settings, accounts, login
-- sessions, API tokens, the audit trail, the outbox and server secrets.
-- Times are INTEGER seconds since the epoch (UTC); calendar dates are TEXT 'YYYY-MM-DD'.

CREATE TABLE areas (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	parent TEXT REFERENCES areas(id),
	is_leaf INTEGER NOT NULL
);
INSERT INTO areas (id, name, parent, is_leaf) VALUES
	('greater-essex', 'Greater Essex', NULL, 0),
	('essex', 'Essex', 'greater-essex', 0),
	('southend', 'Southend-on-Sea', 'greater-essex', 1),
	('thurrock', 'Thurrock', 'greater-essex', 1),
	('basildon', 'Basildon', 'essex', 1),
	('braintree', 'Braintree', 'essex', 1),
	('brentwood', 'Brentwood', 'essex', 1),
	('castle-point', 'Castle Point', 'essex', 1),
	('chelmsford', 'Chelmsford', 'essex', 1),
	('colchester', 'Colchester', 'essex', 1),
	('epping-forest', 'Epping Forest', 'essex', 1),
	('harlow', 'Harlow', 'essex', 1),
	('maldon', 'Maldon', 'essex', 1),
	('rochford', 'Rochford', 'essex', 1),
	('tendring', 'Tendring', 'essex', 1),
	('uttlesford', 'Uttlesford', 'essex', 1);

-- Every (ancestor, descendant) pair, self included: a figure for an area counts all below it.
CREATE TABLE area_tree (
	ancestor TEXT NOT NULL REFERENCES areas(id),
	descendant TEXT NOT NULL REFERENCES areas(id),
	PRIMARY KEY (ancestor, descendant)
) WITHOUT ROWID;
INSERT INTO area_tree (ancestor, descendant)
	WITH RECURSIVE up(descendant, ancestor) AS (
		SELECT id, id FROM areas
		UNION ALL
		SELECT up.descendant, areas.parent FROM up JOIN areas ON areas.id = up.ancestor
		WHERE areas.parent IS NOT NULL
	)
	SELECT ancestor, descendant FROM up;

CREATE TABLE sectors (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL
);
INSERT INTO sectors (id, name) VALUES
	('police', 'Police'),
	('health', 'Health'),
	('local-authority', 'Local authority'),
	('housing', 'Housing'),
	('education', 'Education'),
	('probation', 'Probation'),
	('voluntary', 'Voluntary sector'),
	('employer', 'Employer'),
	('other', 'Other');

CREATE TABLE organisations (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE COLLATE NOCASE,
	sector TEXT NOT NULL REFERENCES sectors(id),
	area TEXT NOT NULL REFERENCES areas(id),
	active INTEGER NOT NULL DEFAULT 1,
	created_at INTEGER NOT NULL
);

CREATE TABLE settings (
	urn TEXT PRIMARY KEY CHECK (urn GLOB '[0-9][0-9][0-9][0-9][0-9][0-9]'),
	name TEXT NOT NULL,
	phase TEXT NOT NULL CHECK (phase IN ('secondary', 'all-through', 'special',
		'alternative-provision', 'sixth-form', 'fe-college', 'he')),
	area TEXT NOT NULL REFERENCES areas(id),
	y7 INTEGER CHECK (y7 >= 0), y8 INTEGER CHECK (y8 >= 0), y9 INTEGER CHECK (y9 >= 0),
	y10 INTEGER CHECK (y10 >= 0), y11 INTEGER CHECK (y11 >= 0), y12 INTEGER CHECK (y12 >= 0),
	y13 INTEGER CHECK (y13 >= 0)
) WITHOUT ROWID;
CREATE INDEX settings_area ON settings(area);

CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	email TEXT NOT NULL UNIQUE COLLATE NOCASE,
	name TEXT NOT NULL,
	role TEXT NOT NULL CHECK (role IN ('admin', 'trainer', 'school', 'practitioner', 'campaign', 'analyst')),
	org_id INTEGER REFERENCES organisations(id),
	school_urn TEXT REFERENCES settings(urn),
	password_hash TEXT,
	active INTEGER NOT NULL DEFAULT 1,
	failed_logins INTEGER NOT NULL DEFAULT 0,
	locked_until INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	CHECK (role <> 'school' OR school_urn IS NOT NULL),
	CHECK (role <> 'practitioner' OR org_id IS NOT NULL)
);
CREATE INDEX users_org ON users(org_id);

-- A browser's signed-in session; only a hash of its cookie token is kept.
CREATE TABLE login_sessions (
	token_hash BLOB PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	csrf TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX login_sessions_user ON login_sessions(user_id);

CREATE TABLE api_tokens (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	token_hash BLOB NOT NULL UNIQUE,
	created_at INTEGER NOT NULL,
	last_used_at INTEGER,
	revoked_at INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY,
	at INTEGER NOT NULL,
	actor_id INTEGER REFERENCES users(id),
	entity TEXT NOT NULL,
	entity_id TEXT NOT NULL,
	action TEXT NOT NULL,
	old_value TEXT,
	new_value TEXT
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);

CREATE TABLE outbox (
	id INTEGER PRIMARY KEY,
	created_at INTEGER NOT NULL,
	to_email TEXT NOT NULL,
	subject TEXT NOT NULL,
	body TEXT NOT NULL,
	attachment_name TEXT,
	attachment_type TEXT,
	attachment TEXT,
	sent_at INTEGER,
	attempts INTEGER NOT NULL DEFAULT 0,
	last_error TEXT
);
CREATE INDEX outbox_unsent ON outbox(id) WHERE sent_at IS NULL;

-- Keys made at init: the CSRF and check-in HMAC keys never leave the database.
CREATE TABLE secrets (
	name TEXT PRIMARY KEY,
	value BLOB NOT NULL
) WITHOUT ROWID;
