-- 013 accounts under attack: the lock-out (five wrong passwords locked an account for 15 minutes,
-- even against its owner) becomes throttling by account and client address (login_throttle.c).
--
-- Neither the e-mail address tried nor the client's address is kept: both are HMACs under the
-- server's secret, so the table cannot be read back into who tried what from where. A row for an
-- e-mail address that has no account looks like any other, so throttling does not reveal which
-- addresses have accounts.
--
-- client = '' is the account's own row: its failures from every address in the account window,
-- and whether its owner has been e-mailed in that window. Other rows are one (account, address)
-- each: failures in the address window, and when the owner last signed in from there (an address
-- the owner uses is not held back by the account-wide ceiling).

CREATE TABLE login_throttle (
	account text NOT NULL,
	client text NOT NULL,
	failures bigint NOT NULL DEFAULT 0,
	window_start bigint NOT NULL DEFAULT 0,
	last_attempt_at bigint NOT NULL DEFAULT 0,
	alerted bigint NOT NULL DEFAULT 0,
	last_ok_at bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (account, client)
);

-- "Was this page helpful?" counts one vote per form token: the HMAC of each token spent, kept only
-- while the token could still be valid (12 hours).
CREATE TABLE spent_form_tokens (
	token text PRIMARY KEY,
	spent_at bigint NOT NULL
);
CREATE INDEX spent_form_tokens_at ON spent_form_tokens(spent_at);

ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;
