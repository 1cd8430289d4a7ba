/* auth.h — who is asking: roles, passwords (argon2id), browser sessions, API tokens, CSRF tokens
 * and the server's secret keys. Only hashes of session and API tokens are ever stored. */
#ifndef LANTERN_AUTH_H
#define LANTERN_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "req.h"
#include "resp.h"

enum role { ROLE_ADMIN, ROLE_TRAINER, ROLE_SCHOOL, ROLE_PRACTITIONER, ROLE_CAMPAIGN, ROLE_ANALYST, ROLE__MAX };

/* Route role masks. */
#define R_ADMIN (1u << ROLE_ADMIN)
#define R_TRAINER (1u << ROLE_TRAINER)
#define R_SCHOOL (1u << ROLE_SCHOOL)
#define R_PRACTITIONER (1u << ROLE_PRACTITIONER)
#define R_CAMPAIGN (1u << ROLE_CAMPAIGN)
#define R_ANALYST (1u << ROLE_ANALYST)
#define R_ANY_USER ((1u << ROLE__MAX) - 1)
#define R_PUBLIC (1u << 15) /* explicitly open to everyone, signed in or not */

struct user {
	int64_t id;
	const char *email;
	const char *name;
	enum role role;
	int64_t org_id; /* 0 when none */
	const char *school_urn; /* NULL when none */
	const char *sector;     /* the organisation's sector, read with the sign-in; NULL when none */
};

const char *role_name(enum role r);
const char *role_label(enum role r);
/* -1 for an unknown name */
int role_parse(const char *s);

enum {
	PASSWORD_MIN = 10,
	PASSWORD_MAX = 256,
	SESSION_IDLE_SECONDS = 2 * 3600,
	SESSION_ABSOLUTE_SECONDS = 12 * 3600,
};

/* __Host-: browsers take it only with Secure and Path=/ and no Domain, so no sibling host or plain-http
 * page can set or shadow it. */
#define SESSION_COOKIE "__Host-lantern_session"

/* Initialises libsodium; call once before threads start. */
int auth_init(void);
/* Creates the server secrets if missing (at init) and loads them; 0 or -1. */
int auth_load_secrets(struct db *db);

/* argon2id hash in libsodium's string form; returns malloc'd string or NULL. */
char *auth_hash_password(const char *password);
bool auth_check_password(const char *hash, const char *password);

/* Outcome of a password sign-in. */
enum login_result { LOGIN_OK, LOGIN_BAD, LOGIN_INACTIVE };
/* Checks credentials (an unknown e-mail costs as long as a known one); on success *user_id.
 * Throttling is the caller's (login_throttle.h). */
enum login_result auth_login(struct db *db, const char *email, const char *password, int64_t *user_id);

/* Records a new browser session for user_id; returns its cookie value (in a) or NULL. */
const char *auth_session_create(struct db *db, struct arena *a, int64_t user_id);
/* Starts a browser session: sets the cookie on o. Returns 0 or -1. */
int auth_session_start(struct db *db, struct resp *o, int64_t user_id);
/* Ends the request's session (if any) and clears the cookie. */
void auth_session_end(const struct req *r, struct resp *o);
/* Ends every session of a user (password change, reset, deactivation); returns how many. */
int auth_sessions_revoke_user(struct db *db, int64_t user_id);
/* Revokes every API token of a user (reset, deactivation, or a change that asks for it); returns
 * how many. */
int auth_tokens_revoke_user(struct db *db, int64_t user_id);

/* Resolves r->user from the session cookie or the bearer token. Returns 0, or 401 for an API
 * request with a bad token. */
int auth_identify(struct req *r);

/* Creates an API token for a user; returns the token text (arena) or NULL. */
const char *auth_token_create(struct db *db, struct arena *a, int64_t user_id, const char *name);
bool auth_token_revoke(struct db *db, int64_t user_id, int64_t token_id);

/* The token a form must carry: the session's, or a signed stateless one for anonymous forms
 * (public pages set no cookies). */
const char *auth_csrf_token(const struct req *r);
bool auth_csrf_valid(const struct req *r, const char *token);
/* Records a (valid) form token as used for a one-time purpose (a feedback vote); true the first
 * time, false when it was used before. Only an HMAC of the token is kept, and only while it could
 * still be valid. */
bool auth_form_token_spend(struct db *db, const char *token);

/* The hex BLAKE2b hash of a random token, as the database keeps it (out: 65 bytes). */
void auth_token_digest(const char *token, char out[65]);
/* HMAC-SHA256 (keyed with the server's secret for purpose) of msg, hex into out[65]. */
void auth_hmac_hex(const char *purpose, const char *msg, char out[65]);
/* Random URL-safe token of n random bytes into the arena. */
char *auth_random_token(struct arena *a, size_t n);
/* Random code of len characters for people to read and type (printed QR links): Crockford base32,
 * lower case, 5 random bits each. */
char *auth_random_code(struct arena *a, size_t len);

#endif
