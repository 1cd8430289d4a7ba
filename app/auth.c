/* auth.c — passwords, browser sessions, API tokens, CSRF tokens and server secrets. The only user
 * of libsodium. Session and API tokens are random; the database keeps only their BLAKE2b hashes. */
#include "auth.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

/* OWASP's argon2id floor (19 MiB, 2 passes): keeps the server's memory small under parallel sign-ins. */
enum { PWHASH_OPS = 2, PWHASH_MEM = 19 << 20, SECRET_LEN = 32, TOKEN_BYTES = 32, HASH_LEN = 32 };

static unsigned char server_key[SECRET_LEN];
static char dummy_hash[crypto_pwhash_STRBYTES];

static const char *const role_names[ROLE__MAX] = {"admin", "trainer", "school", "practitioner", "campaign", "analyst"};
static const char *const role_labels[ROLE__MAX] = {"Programme admin", "Trainer",      "School lead",
						   "Practitioner",    "Campaign lead", "Analyst"};

const char *role_name(enum role r)
{
	return r < ROLE__MAX ? role_names[r] : "unknown";
}

const char *role_label(enum role r)
{
	return r < ROLE__MAX ? role_labels[r] : "Unknown";
}

int role_parse(const char *s)
{
	for (int i = 0; s && i < ROLE__MAX; i++)
		if (strcmp(s, role_names[i]) == 0)
			return i;
	return -1;
}

int auth_init(void)
{
	if (sodium_init() < 0)
		return -1;
	/* Unknown e-mails are checked against this, so a miss costs as long as a hit. */
	char random_pw[33];
	randombytes_buf(random_pw, 32);
	for (int i = 0; i < 32; i++)
		random_pw[i] = (char)('a' + ((unsigned char)random_pw[i] % 26));
	random_pw[32] = '\0';
	return crypto_pwhash_str(dummy_hash, random_pw, 32, PWHASH_OPS, PWHASH_MEM);
}

static const char SQL_SECRET_GET[] = "SELECT value FROM secrets WHERE name = 'server-key'";
static const char SQL_SECRET_PUT[] = "INSERT INTO secrets (name, value) VALUES ('server-key', ?) ON CONFLICT DO NOTHING";

int auth_load_secrets(struct db *db)
{
	char hex[2 * SECRET_LEN + 1];
	unsigned char fresh[SECRET_LEN];
	randombytes_buf(fresh, sizeof fresh);
	sodium_bin2hex(hex, sizeof hex, fresh, sizeof fresh);
	if (db_exec(db, SQL_SECRET_PUT, "s", hex) != DB_OK)
		return -1;
	struct db_stmt *st = db_query(db, SQL_SECRET_GET, "");
	int rc = -1;
	if (db_next(st)) {
		const char *v = db_col_text(st, 0);
		size_t got = 0;
		if (v && sodium_hex2bin(server_key, sizeof server_key, v, strlen(v), NULL, &got, NULL) == 0 &&
		    got == SECRET_LEN)
			rc = 0;
	}
	db_done(st);
	return rc;
}

char *auth_hash_password(const char *password)
{
	char out[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str(out, password, strlen(password), PWHASH_OPS, PWHASH_MEM) != 0)
		return NULL;
	return xstrdup(out);
}

bool auth_check_password(const char *hash, const char *password)
{
	return hash && crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

static void token_hash(const char *token, unsigned char out[HASH_LEN])
{
	crypto_generichash(out, HASH_LEN, (const unsigned char *)token, strlen(token), NULL, 0);
}

char *auth_random_token(struct arena *a, size_t n)
{
	unsigned char raw[64];
	if (n > sizeof raw)
		n = sizeof raw;
	randombytes_buf(raw, n);
	size_t len = sodium_base64_encoded_len(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = arena_alloc(a, len);
	sodium_bin2base64(out, len, raw, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

char *auth_random_code(struct arena *a, size_t len)
{
	/* Crockford's base32 in lower case: no i, l, o or u to misread, 5 bits a character. */
	static const char alphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
	char *out = arena_alloc(a, len + 1);
	for (size_t i = 0; i < len; i++)
		out[i] = alphabet[randombytes_uniform(32)];
	out[len] = '\0';
	return out;
}

void auth_hmac_hex(const char *purpose, const char *msg, char out[65])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, server_key, sizeof server_key);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)purpose, strlen(purpose) + 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, strlen(msg));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(out, 65, mac, sizeof mac);
}

static const char SQL_LOGIN_USER[] = "SELECT id, password_hash, active FROM users WHERE email = ?";

enum login_result auth_login(struct db *db, const char *email, const char *password, int64_t *user_id)
{
	struct db_stmt *st = db_query(db, SQL_LOGIN_USER, "s", email);
	if (!db_next(st)) {
		auth_check_password(dummy_hash, password);
		return LOGIN_BAD;
	}
	int64_t id = db_col_int64(st, 0);
	char *hash = db_col_null(st, 1) ? NULL : xstrdup(db_col_text(st, 1));
	bool active = db_col_int(st, 2) != 0;
	db_done(st);

	enum login_result result;
	if (!auth_check_password(hash ? hash : dummy_hash, password) || hash == NULL) {
		result = LOGIN_BAD;
	} else if (!active) {
		result = LOGIN_INACTIVE;
	} else {
		*user_id = id;
		result = LOGIN_OK;
	}
	free(hash);
	return result;
}

static const char SQL_SESSION_NEW[] =
	"INSERT INTO login_sessions (token_hash, user_id, csrf, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)";
static const char SQL_SESSION_PURGE[] = "DELETE FROM login_sessions WHERE created_at < ? OR last_seen_at < ?";

static const char *hash_hex(struct arena *a, const char *token)
{
	unsigned char h[HASH_LEN];
	token_hash(token, h);
	char *hex = arena_alloc(a, 2 * HASH_LEN + 1);
	sodium_bin2hex(hex, 2 * HASH_LEN + 1, h, HASH_LEN);
	return hex;
}

void auth_token_digest(const char *token, char out[2 * HASH_LEN + 1])
{
	unsigned char h[HASH_LEN];
	token_hash(token, h);
	sodium_bin2hex(out, 2 * HASH_LEN + 1, h, HASH_LEN);
}

const char *auth_session_create(struct db *db, struct arena *a, int64_t user_id)
{
	int64_t now = now_utc();
	const char *token = auth_random_token(a, TOKEN_BYTES);
	const char *csrf = auth_random_token(a, TOKEN_BYTES);
	db_exec(db, SQL_SESSION_PURGE, "II", now - SESSION_ABSOLUTE_SECONDS, now - SESSION_IDLE_SECONDS);
	if (db_exec(db, SQL_SESSION_NEW, "sIsII", hash_hex(a, token), user_id, csrf, now, now) != DB_OK)
		return NULL;
	return token;
}

int auth_session_start(struct db *db, struct resp *o, int64_t user_id)
{
	const char *token = auth_session_create(db, o->arena, user_id);
	if (token == NULL)
		return -1;
	resp_cookie(o, SESSION_COOKIE, token, -1);
	return 0;
}

static const char SQL_SESSION_END[] = "DELETE FROM login_sessions WHERE token_hash = ?";
static const char SQL_SESSION_END_USER[] = "DELETE FROM login_sessions WHERE user_id = ?";

void auth_session_end(const struct req *r, struct resp *o)
{
	const char *token = req_cookie(r, SESSION_COOKIE);
	if (token)
		db_exec(r->db, SQL_SESSION_END, "s", hash_hex(r->arena, token));
	resp_cookie(o, SESSION_COOKIE, "", 0);
}

int auth_sessions_revoke_user(struct db *db, int64_t user_id)
{
	return db_exec(db, SQL_SESSION_END_USER, "I", user_id) == DB_OK ? db_changes(db) : 0;
}

static const char SQL_TOKEN_REVOKE_USER[] =
	"UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL";

int auth_tokens_revoke_user(struct db *db, int64_t user_id)
{
	return db_exec(db, SQL_TOKEN_REVOKE_USER, "II", now_utc(), user_id) == DB_OK ? db_changes(db) : 0;
}

static const char SQL_SESSION_USER[] =
	"SELECT u.id, u.email, u.name, u.role, coalesce(u.org_id, 0), u.school_urn, o.sector, s.csrf, s.created_at,"
	" s.last_seen_at FROM login_sessions s JOIN users u ON u.id = s.user_id"
	" LEFT JOIN organisations o ON o.id = u.org_id WHERE s.token_hash = ? AND u.active = 1";
static const char SQL_SESSION_TOUCH[] = "UPDATE login_sessions SET last_seen_at = ? WHERE token_hash = ?";
static const char SQL_TOKEN_USER[] =
	"SELECT u.id, u.email, u.name, u.role, coalesce(u.org_id, 0), u.school_urn, o.sector, t.last_used_at"
	" FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN organisations o ON o.id = u.org_id"
	" WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.active = 1";
static const char SQL_TOKEN_TOUCH[] = "UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?";

static struct user *user_from_row(struct arena *a, struct db_stmt *st)
{
	struct user *u = arena_alloc(a, sizeof *u);
	u->id = db_col_int64(st, 0);
	u->email = arena_strdup(a, db_col_text(st, 1));
	u->name = arena_strdup(a, db_col_text(st, 2));
	int role = role_parse(db_col_text(st, 3));
	u->role = role < 0 ? ROLE__MAX : (enum role)role;
	u->org_id = db_col_int64(st, 4);
	u->school_urn = arena_strdup(a, db_col_text(st, 5));
	/* Read here, with the person, because pages that show places need it and each read is a round trip
	 * on PostgreSQL. */
	u->sector = arena_strdup(a, db_col_text(st, 6));
	return u;
}

/* Writes when a token or sign-in was last used (sql: the time, then the token's hash). A request that
 * may write keeps it for its own transaction, one commit for both (a booking: not two); a read writes
 * nothing of its own, so it is made at once. */
static void record_use(struct req *r, const char *sql, int64_t now, const char *hash)
{
	if (r->method == M_POST || r->method == M_PUT || r->method == M_DELETE)
		db_exec_aside_soon(r->db, sql, now, hash);
	else
		db_exec_aside(r->db, sql, "Is", now, hash);
}

static int identify_by_token(struct req *r)
{
	const char *h = r->authorization;
	if (h == NULL || strncmp(h, "Bearer ", 7) != 0 || strlen(h + 7) < 16 || strlen(h + 7) > 128)
		return 0;
	const char *hash = hash_hex(r->arena, h + 7);
	struct db_stmt *st = db_query(r->db, SQL_TOKEN_USER, "s", hash);
	if (!db_next(st))
		return 401;
	r->user = user_from_row(r->arena, st);
	int64_t last_used = db_col_int64(st, 7);
	db_done(st);
	r->via_token = true;
	int64_t now = now_utc();
	/* Recording use costs a durable write: once an hour is enough to show a token is alive. */
	if (now - last_used > 3600)
		record_use(r, SQL_TOKEN_TOUCH, now, hash);
	return 0;
}

static void identify_by_cookie(struct req *r)
{
	const char *token = req_cookie(r, SESSION_COOKIE);
	if (token == NULL || strlen(token) < 16 || strlen(token) > 128)
		return;
	const char *hash = hash_hex(r->arena, token);
	struct db_stmt *st = db_query(r->db, SQL_SESSION_USER, "s", hash);
	if (!db_next(st))
		return;
	int64_t now = now_utc();
	int64_t created = db_col_int64(st, 8), seen = db_col_int64(st, 9);
	if (now - created > SESSION_ABSOLUTE_SECONDS || now - seen > SESSION_IDLE_SECONDS) {
		db_done(st);
		return;
	}
	r->user = user_from_row(r->arena, st);
	r->csrf = arena_strdup(r->arena, db_col_text(st, 7));
	db_done(st);
	/* Sliding expiry without a write on every page view. */
	if (now - seen > 300)
		record_use(r, SQL_SESSION_TOUCH, now, hash);
}

int auth_identify(struct req *r)
{
	if (str_starts(r->path, "/api/")) {
		int rc = identify_by_token(r);
		return rc ? rc : (r->user == NULL && r->authorization ? 401 : 0);
	}
	identify_by_cookie(r);
	return 0;
}

static const char SQL_TOKEN_NEW[] =
	"INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)";
static const char SQL_TOKEN_REVOKE[] =
	"UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL";

const char *auth_token_create(struct db *db, struct arena *a, int64_t user_id, const char *name)
{
	char *token = arena_printf(a, "lt_%s", auth_random_token(a, TOKEN_BYTES));
	if (db_exec(db, SQL_TOKEN_NEW, "IssI", user_id, name, hash_hex(a, token), now_utc()) != DB_OK)
		return NULL;
	return token;
}

bool auth_token_revoke(struct db *db, int64_t user_id, int64_t token_id)
{
	return db_exec(db, SQL_TOKEN_REVOKE, "III", now_utc(), token_id, user_id) == DB_OK && db_changes(db) == 1;
}

enum { ANON_CSRF_SECONDS = 12 * 3600, ANON_NONCE_BYTES = 12 };

/* An anonymous token is "time.nonce.mac": the time it was made, a random nonce so that no two page
 * views share one (a vote may be cast once per token), and the HMAC of both. */
const char *auth_csrf_token(const struct req *r)
{
	if (r->user && r->csrf)
		return r->csrf;
	char mac[65];
	const char *signed_part =
		arena_printf(r->arena, "%lld.%s", (long long)now_utc(), auth_random_token(r->arena, ANON_NONCE_BYTES));
	auth_hmac_hex("csrf-anonymous", signed_part, mac);
	return arena_printf(r->arena, "%s.%s", signed_part, mac);
}

bool auth_csrf_valid(const struct req *r, const char *token)
{
	if (token == NULL || strlen(token) > 128)
		return false;
	if (r->user && r->csrf)
		return str_equal_ct(token, r->csrf);
	const char *dot = strchr(token, '.');
	const char *last = strrchr(token, '.');
	if (dot == NULL || dot - token > 20 || last == dot || last - token > 100)
		return false;
	char ts[24], signed_part[104], mac[65];
	memcpy(ts, token, (size_t)(dot - token));
	ts[dot - token] = '\0';
	memcpy(signed_part, token, (size_t)(last - token));
	signed_part[last - token] = '\0';
	char *end;
	errno = 0;
	long long t = strtoll(ts, &end, 10);
	/* A negative or out-of-range time would overflow the age below. */
	if (*end != '\0' || end == ts || errno != 0 || t < 0)
		return false;
	int64_t age = now_utc() - t;
	if (age < -60 || age > ANON_CSRF_SECONDS)
		return false;
	auth_hmac_hex("csrf-anonymous", signed_part, mac);
	return str_equal_ct(last + 1, mac);
}

static const char SQL_SPEND[] = "INSERT INTO spent_form_tokens (token, spent_at) VALUES (?, ?) ON CONFLICT DO NOTHING";
static const char SQL_SPENT_PURGE[] = "DELETE FROM spent_form_tokens WHERE spent_at < ?";

bool auth_form_token_spend(struct db *db, const char *token)
{
	char mac[65];
	auth_hmac_hex("form-token-spent", token ? token : "", mac);
	int64_t now = now_utc();
	/* A token is valid for ANON_CSRF_SECONDS after it was made, so never longer after it was spent. */
	db_exec(db, SQL_SPENT_PURGE, "I", now - ANON_CSRF_SECONDS - 120);
	return db_exec(db, SQL_SPEND, "sI", mac, now) == DB_OK && db_changes(db) == 1;
}
