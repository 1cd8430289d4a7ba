-- 017 password links: a forgotten password's reset link and an invitation to set the first one.
-- Only a BLAKE2b hash of the link's token is kept; a link works once (used_at) and until expires_at.
CREATE TABLE password_links (
	id INTEGER PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,
	user_id INTEGER NOT NULL REFERENCES users(id),
	purpose TEXT NOT NULL CHECK (purpose IN ('reset', 'invite')),
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at INTEGER
);
CREATE INDEX password_links_by_user ON password_links (user_id, created_at);
