/* test_auth.c — app/auth.c on a temporary migrated database: server secrets, argon2id passwords,
 * sign-in, CSRF tokens, API tokens and sessions, and role names. */
#include "helpers.h"

#include "auth.h"
#include "html.h"
#include "users.h"

static const char PASSWORD[] = "correct horse battery";
static const int64_t T0 = 1780000000; /* a fixed "now": 2026-05-28 */

struct fixture {
	struct test_db *t;
	struct db *db;
	struct arena *arena;
	int64_t uid; /* an active admin with PASSWORD */
};

static int64_t add_user(struct db *db, const char *email, const char *role, const char *password)
{
	struct form_errors fe = {0};
	struct user_input in = {.email = email, .name = "Test Person", .role = role, .password = password};
	int64_t id = users_save(db, 0, 0, &in, &fe);
	if (id == 0)
		fail_msg("users_save(%s): %s", email, fe.n ? fe.e[0].message : "failed");
	return id;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	test_unpin_now();
	f->t = test_db_new(true);
	f->db = f->t->db;
	assert_int_equal(auth_load_secrets(f->db), 0);
	f->arena = arena_new();
	f->uid = add_user(f->db, "admin@example.org", "admin", PASSWORD);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	test_unpin_now();
	arena_free(f->arena);
	test_db_free(f->t);
	free(f);
	return 0;
}

/* A request on the fixture's database and arena, nobody signed in. */
static struct req new_req(struct fixture *f, const char *path)
{
	return (struct req){.arena = f->arena, .db = f->db, .path = path};
}

/* ---- secrets ---- */

static void test_secrets(void **state)
{
	struct fixture *f = *state;
	static const char SQL_SECRETS[] = "SELECT count(*) FROM secrets";
	char a[65], b[65], c[65], d[65];
	auth_hmac_hex("purpose", "message", a);
	assert_int_equal(strlen(a), 64);
	assert_int_equal(strspn(a, "0123456789abcdef"), 64);
	/* Loading again keeps the key: the same HMAC. */
	assert_int_equal(auth_load_secrets(f->db), 0);
	auth_hmac_hex("purpose", "message", b);
	assert_string_equal(a, b);
	assert_int_equal(db_int(f->db, -1, SQL_SECRETS, ""), 1);
	/* Purpose and message both count, and they are kept apart. */
	auth_hmac_hex("purpose2", "message", c);
	assert_string_not_equal(a, c);
	auth_hmac_hex("purpose", "message2", c);
	assert_string_not_equal(a, c);
	auth_hmac_hex("purposem", "essage", d);
	assert_string_not_equal(a, d);

	/* Another database has its own key. */
	struct test_db *other = test_db_new(true);
	assert_int_equal(auth_load_secrets(other->db), 0);
	auth_hmac_hex("purpose", "message", c);
	assert_string_not_equal(a, c);
	/* A fresh connection to the first database gets the first key back. */
	struct db *again = db_open(f->t->path, false);
	assert_int_equal(auth_load_secrets(again), 0);
	auth_hmac_hex("purpose", "message", d);
	assert_string_equal(a, d);
	db_close(again);
	test_db_free(other);
}

/* ---- passwords ---- */

static void test_password_hash(void **state)
{
	(void)state;
	char *h = auth_hash_password(PASSWORD);
	assert_non_null(h);
	assert_true(str_starts(h, "$argon2id$"));
	assert_true(auth_check_password(h, PASSWORD));
	assert_false(auth_check_password(h, "correct horse batter"));
	assert_false(auth_check_password(h, "Correct horse battery"));
	assert_false(auth_check_password(h, ""));
	assert_false(auth_check_password(NULL, PASSWORD));
	assert_false(auth_check_password("not a hash", PASSWORD));
	/* Salted: the same password never hashes the same way twice. */
	char *h2 = auth_hash_password(PASSWORD);
	assert_string_not_equal(h, h2);
	assert_true(auth_check_password(h2, PASSWORD));
	free(h);
	free(h2);
}

/* ---- sign-in ---- */

static void test_login_ok_and_bad(void **state)
{
	struct fixture *f = *state;
	int64_t id = 0;
	assert_int_equal(auth_login(f->db, "admin@example.org", PASSWORD, &id), LOGIN_OK);
	assert_int_equal(id, f->uid);
	id = 0;
	assert_int_equal(auth_login(f->db, "ADMIN@Example.org", PASSWORD, &id), LOGIN_OK); /* e-mail ignores case */
	assert_int_equal(id, f->uid);

	id = -1;
	assert_int_equal(auth_login(f->db, "admin@example.org", "wrong password", &id), LOGIN_BAD);
	assert_int_equal(id, -1); /* untouched */
	assert_int_equal(auth_login(f->db, "nobody@example.org", PASSWORD, &id), LOGIN_BAD);
	assert_int_equal(auth_login(f->db, "", PASSWORD, &id), LOGIN_BAD);
	assert_int_equal(id, -1);
	/* No lock-out here: failures do not stop the right password (throttling is login_throttle.c's). */
	for (int i = 0; i < 6; i++)
		assert_int_equal(auth_login(f->db, "admin@example.org", "wrong password", &id), LOGIN_BAD);
	assert_int_equal(auth_login(f->db, "admin@example.org", PASSWORD, &id), LOGIN_OK);
	assert_false(db_request_end(f->db));
}

static void test_login_inactive(void **state)
{
	struct fixture *f = *state;
	struct form_errors fe = {0};
	assert_int_equal(users_save(f->db, 0, f->uid, &(struct user_input){.active = "0"}, &fe), f->uid);
	int64_t id = -1;
	assert_int_equal(auth_login(f->db, "admin@example.org", PASSWORD, &id), LOGIN_INACTIVE);
	assert_int_equal(id, -1);
	/* A wrong password says nothing about the account's state. */
	assert_int_equal(auth_login(f->db, "admin@example.org", "wrong password", &id), LOGIN_BAD);

	/* An account with no password set cannot sign in at all. */
	static const char SQL_NO_HASH[] =
		"INSERT INTO users (email, name, role, created_at) VALUES ('nohash@example.org', 'N', 'analyst', 0)";
	assert_int_equal(db_exec(f->db, SQL_NO_HASH, ""), DB_OK);
	assert_int_equal(auth_login(f->db, "nohash@example.org", "", &id), LOGIN_BAD);
	assert_int_equal(auth_login(f->db, "nohash@example.org", PASSWORD, &id), LOGIN_BAD);
	assert_int_equal(id, -1);
}

/* ---- CSRF ---- */

static void test_csrf_anonymous(void **state)
{
	struct fixture *f = *state;
	struct req r = new_req(f, "/login");
	test_pin_now(T0);
	const char *tok = auth_csrf_token(&r);
	assert_non_null(tok);
	assert_true(auth_csrf_valid(&r, tok));
	/* The token is "time.nonce.hmac": the time is when it was made; the nonce makes each one new,
	 * even within a second. */
	char want[24];
	snprintf(want, sizeof want, "%lld.", (long long)T0);
	assert_true(str_starts(tok, want));
	assert_int_equal(strlen(tok), strlen(want) + 16 + 1 + 64);
	const char *again = auth_csrf_token(&r);
	assert_string_not_equal(tok, again);
	assert_true(auth_csrf_valid(&r, again));

	/* Still good at twelve hours, not a second after. */
	test_pin_now(T0 + 12 * 3600);
	assert_true(auth_csrf_valid(&r, tok));
	test_pin_now(T0 + 12 * 3600 + 1);
	assert_false(auth_csrf_valid(&r, tok));
	/* A token from the future (beyond a minute of clock skew) is refused too. */
	test_pin_now(T0 - 61);
	assert_false(auth_csrf_valid(&r, tok));
	test_pin_now(T0 - 60);
	assert_true(auth_csrf_valid(&r, tok));
	test_pin_now(T0);

	/* Tampering: a changed MAC, a changed time (the MAC no longer fits), truncation, extension. */
	char *t = xstrdup(tok);
	size_t n = strlen(t);
	t[n - 1] = t[n - 1] == '0' ? '1' : '0';
	assert_false(auth_csrf_valid(&r, t));
	free(t);
	t = xasprintf("%lld.%s", (long long)T0 + 1, strchr(tok, '.') + 1);
	assert_false(auth_csrf_valid(&r, t));
	free(t);
	t = xstrdup(tok); /* a changed nonce */
	t[strlen(want)] = t[strlen(want)] == 'A' ? 'B' : 'A';
	assert_false(auth_csrf_valid(&r, t));
	free(t);
	t = xasprintf("%lld.%s", (long long)T0, strrchr(tok, '.') + 1); /* the nonce left out */
	assert_false(auth_csrf_valid(&r, t));
	free(t);
	t = xstrndup(tok, strlen(tok) - 1);
	assert_false(auth_csrf_valid(&r, t));
	free(t);
	t = xasprintf("%s0", tok);
	assert_false(auth_csrf_valid(&r, t));
	free(t);
	t = xasprintf("+%s", tok); /* the same number spelt differently */
	assert_false(auth_csrf_valid(&r, t));
	free(t);

	static const char *const junk[] = {
		"", ".", "abc", "1780000000", "1780000000.", ".abc", "x.abc", "1780000000x.abc",
		"-1.0000000000000000000000000000000000000000000000000000000000000000",
		"99999999999999999999.0000000000000000000000000000000000000000000000000000000000000000",
		"-9223372036854775808.0000000000000000000000000000000000000000000000000000000000000000",
		"-9999999999999999999.0000000000000000000000000000000000000000000000000000000000000000",
		"123456789012345678901.abc",
		"..", "1780000000..", "1780000000.nonce.", "1780000000..0000000000000000000000000000000000000000000000000000000000000000",
		"-1.nonce.0000000000000000000000000000000000000000000000000000000000000000",
	};
	for (size_t i = 0; i < ARRAY_LEN(junk); i++)
		if (auth_csrf_valid(&r, junk[i]))
			fail_msg("CSRF token \"%s\" accepted", junk[i]);
	assert_false(auth_csrf_valid(&r, NULL));
	char longtok[200];
	memset(longtok, '1', sizeof longtok - 1);
	longtok[sizeof longtok - 1] = '\0';
	assert_false(auth_csrf_valid(&r, longtok));

	/* Tokens are bound to this server's key. */
	struct test_db *other = test_db_new(true);
	assert_int_equal(auth_load_secrets(other->db), 0);
	assert_false(auth_csrf_valid(&r, tok));
	test_db_free(other);
	assert_int_equal(auth_load_secrets(f->db), 0);
	assert_true(auth_csrf_valid(&r, tok));
}

static void test_form_token_spend(void **state)
{
	struct fixture *f = *state;
	struct req r = new_req(f, "/help/feedback");
	test_pin_now(T0);
	const char *a = auth_csrf_token(&r), *b = auth_csrf_token(&r);
	assert_true(auth_form_token_spend(f->db, a));
	assert_false(auth_form_token_spend(f->db, a));
	assert_true(auth_form_token_spend(f->db, b));
	/* Only an HMAC is kept, and only while the token could be valid. */
	static const char SQL_CLEAR[] = "SELECT count(*) FROM spent_form_tokens WHERE token = ? OR token = ?";
	assert_int_equal(db_int(f->db, -1, SQL_CLEAR, "ss", a, b), 0);
	static const char SQL_ROWS[] = "SELECT count(*) FROM spent_form_tokens";
	assert_int_equal(db_int(f->db, -1, SQL_ROWS, ""), 2);
	test_pin_now(T0 + 12 * 3600 + 121);
	assert_false(auth_csrf_valid(&r, a));
	assert_true(auth_form_token_spend(f->db, auth_csrf_token(&r)));
	assert_int_equal(db_int(f->db, -1, SQL_ROWS, ""), 1);
}

static void test_csrf_session(void **state)
{
	struct fixture *f = *state;
	struct user u = {.id = f->uid, .email = "admin@example.org", .name = "A", .role = ROLE_ADMIN};
	struct req r = new_req(f, "/account");
	r.user = &u;
	r.csrf = "Sess10nT0kenAbcdefghij";
	assert_string_equal(auth_csrf_token(&r), r.csrf);
	assert_true(auth_csrf_valid(&r, "Sess10nT0kenAbcdefghij"));
	assert_false(auth_csrf_valid(&r, "Sess10nT0kenAbcdefghi"));
	assert_false(auth_csrf_valid(&r, "Sess10nT0kenAbcdefghijk"));
	assert_false(auth_csrf_valid(&r, "sess10nT0kenAbcdefghij"));
	assert_false(auth_csrf_valid(&r, ""));
	assert_false(auth_csrf_valid(&r, NULL));
	/* A signed-in user cannot use an anonymous token instead. */
	struct req anon = new_req(f, "/login");
	const char *anon_tok = auth_csrf_token(&anon);
	assert_true(auth_csrf_valid(&anon, anon_tok));
	assert_false(auth_csrf_valid(&r, anon_tok));
}

/* ---- API tokens ---- */

static const char SQL_TOKEN_ID[] = "SELECT max(id) FROM api_tokens WHERE user_id = ?";

/* A request that only identifies its sender, to its end (where a last use or activity is written). */
static int identify(struct fixture *f, const char *path, const char *token, struct req *r)
{
	*r = new_req(f, path);
	r->authorization = token ? arena_printf(f->arena, "Bearer %s", token) : NULL;
	int rc = auth_identify(r);
	assert_false(db_request_end(f->db));
	return rc;
}

static void test_api_token(void **state)
{
	struct fixture *f = *state;
	const char *tok = auth_token_create(f->db, f->arena, f->uid, "laptop");
	assert_non_null(tok);
	assert_true(str_starts(tok, "lt_"));
	assert_true(strlen(tok) >= 40);
	/* Only a hash is stored. */
	static const char SQL_PLAIN[] = "SELECT count(*) FROM api_tokens WHERE token_hash = ? OR name <> 'laptop'";
	assert_int_equal(db_int(f->db, -1, SQL_PLAIN, "s", tok), 0);

	struct req r;
	assert_int_equal(identify(f, "/api/v1/me", tok, &r), 0);
	assert_non_null(r.user);
	assert_int_equal(r.user->id, f->uid);
	assert_string_equal(r.user->email, "admin@example.org");
	assert_int_equal(r.user->role, ROLE_ADMIN);
	assert_true(r.via_token);
	assert_null(r.csrf);

	/* Two tokens are different and both work. */
	const char *tok2 = auth_token_create(f->db, f->arena, f->uid, "laptop");
	assert_string_not_equal(tok, tok2);
	assert_int_equal(identify(f, "/api/v1/me", tok2, &r), 0);
	assert_int_equal(r.user->id, f->uid);

	/* A bearer token means nothing outside the API. */
	assert_int_equal(identify(f, "/account", tok, &r), 0);
	assert_null(r.user);
	/* Without any Authorization the API request is anonymous (the route then asks for a token). */
	assert_int_equal(identify(f, "/api/v1/me", NULL, &r), 0);
	assert_null(r.user);
	/* An unknown or altered token is refused. */
	assert_int_equal(identify(f, "/api/v1/me", "lt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &r), 401);
	assert_null(r.user);
	char *altered = xstrdup(tok);
	altered[5] = altered[5] == 'A' ? 'B' : 'A';
	assert_int_equal(identify(f, "/api/v1/me", altered, &r), 401);
	free(altered);

	/* Revoked: refused. Revoking twice, or someone else's token, does nothing. */
	int64_t tid = db_int(f->db, 0, SQL_TOKEN_ID, "I", f->uid); /* tok2 */
	int64_t other = add_user(f->db, "analyst@example.org", "analyst", PASSWORD);
	assert_false(auth_token_revoke(f->db, other, tid));
	assert_int_equal(identify(f, "/api/v1/me", tok2, &r), 0);
	assert_true(auth_token_revoke(f->db, f->uid, tid));
	assert_false(auth_token_revoke(f->db, f->uid, tid));
	assert_int_equal(identify(f, "/api/v1/me", tok2, &r), 401);
	assert_null(r.user);
	assert_int_equal(identify(f, "/api/v1/me", tok, &r), 0); /* the other token still works */

	/* A deactivated account's tokens stop working. */
	struct form_errors fe = {0};
	assert_int_equal(users_save(f->db, 0, f->uid, &(struct user_input){.active = "0"}, &fe), f->uid);
	assert_int_equal(identify(f, "/api/v1/me", tok, &r), 401);
	assert_false(db_request_end(f->db));
}

static void test_token_last_used(void **state)
{
	struct fixture *f = *state;
	static const char SQL_LAST_USED[] = "SELECT coalesce(last_used_at, -1) FROM api_tokens WHERE user_id = ?";
	test_pin_now(T0);
	const char *tok = auth_token_create(f->db, f->arena, f->uid, "cli");
	assert_int_equal(db_int(f->db, 0, SQL_LAST_USED, "I", f->uid), -1);
	struct req r;
	assert_int_equal(identify(f, "/api/v1/me", tok, &r), 0);
	assert_int_equal(db_int(f->db, 0, SQL_LAST_USED, "I", f->uid), T0);
	/* Recorded at most once an hour. */
	test_pin_now(T0 + 3600);
	assert_int_equal(identify(f, "/api/v1/me", tok, &r), 0);
	assert_int_equal(db_int(f->db, 0, SQL_LAST_USED, "I", f->uid), T0);
	test_pin_now(T0 + 3601);
	assert_int_equal(identify(f, "/api/v1/me", tok, &r), 0);
	assert_int_equal(db_int(f->db, 0, SQL_LAST_USED, "I", f->uid), T0 + 3601);
}

/* ---- browser sessions ---- */

/* Starts a session and returns its cookie value (in the arena). */
static const char *start_session(struct fixture *f, int64_t uid)
{
	struct resp o;
	resp_init(&o, f->arena);
	assert_int_equal(auth_session_start(f->db, &o, uid), 0);
	const char *h = o.headers.data;
	assert_non_null(h);
	assert_contains(h, "Set-Cookie: " SESSION_COOKIE "=");
	assert_contains(h, "; Secure; HttpOnly; SameSite=Lax");
	const char *v = strchr(h, '=') + 1;
	const char *token = arena_strndup(f->arena, v, strcspn(v, ";"));
	resp_free(&o);
	return token;
}

static int identify_cookie(struct fixture *f, const char *token, struct req *r)
{
	*r = new_req(f, "/");
	req_parse_cookies(f->arena, arena_printf(f->arena, "other=1; %s=%s", SESSION_COOKIE, token), &r->cookies);
	int rc = auth_identify(r);
	assert_false(db_request_end(f->db));
	return rc;
}

static void test_session(void **state)
{
	struct fixture *f = *state;
	test_pin_now(T0);
	const char *token = start_session(f, f->uid);
	assert_true(strlen(token) >= 40);
	struct req r;
	assert_int_equal(identify_cookie(f, token, &r), 0);
	assert_non_null(r.user);
	assert_int_equal(r.user->id, f->uid);
	assert_false(r.via_token);
	assert_non_null(r.csrf);
	assert_true(strlen(r.csrf) >= 40);
	assert_string_equal(auth_csrf_token(&r), r.csrf);
	const char *csrf = r.csrf;

	/* Each session has its own form token. */
	const char *token2 = start_session(f, f->uid);
	assert_string_not_equal(token, token2);
	struct req r2;
	assert_int_equal(identify_cookie(f, token2, &r2), 0);
	assert_string_not_equal(r2.csrf, csrf);

	/* A session cookie means nothing to the API. */
	struct req api = new_req(f, "/api/v1/me");
	req_parse_cookies(f->arena, arena_printf(f->arena, "%s=%s", SESSION_COOKIE, token), &api.cookies);
	assert_int_equal(auth_identify(&api), 0);
	assert_null(api.user);

	/* Unknown cookie: nobody. */
	assert_int_equal(identify_cookie(f, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &r), 0);
	assert_null(r.user);

	/* Idle too long: nobody; activity keeps it alive up to the absolute limit. */
	test_pin_now(T0 + SESSION_IDLE_SECONDS - 1);
	assert_int_equal(identify_cookie(f, token, &r), 0);
	assert_non_null(r.user); /* and this refreshes last_seen */
	test_pin_now(T0 + 2 * SESSION_IDLE_SECONDS - 2);
	assert_int_equal(identify_cookie(f, token, &r), 0);
	assert_non_null(r.user);
	test_pin_now(T0 + 3 * SESSION_IDLE_SECONDS);
	assert_int_equal(identify_cookie(f, token, &r), 0);
	assert_null(r.user);

	/* Ending a session removes it. */
	test_pin_now(T0);
	const char *token3 = start_session(f, f->uid);
	assert_int_equal(identify_cookie(f, token3, &r), 0);
	assert_non_null(r.user);
	struct resp o;
	resp_init(&o, f->arena);
	auth_session_end(&r, &o);
	assert_contains(o.headers.data, "Set-Cookie: " SESSION_COOKIE "=; Path=/; Max-Age=0");
	resp_free(&o);
	assert_int_equal(identify_cookie(f, token3, &r), 0);
	assert_null(r.user);

	/* Revoking a user's sessions ends them all. */
	const char *token4 = start_session(f, f->uid);
	auth_sessions_revoke_user(f->db, f->uid);
	assert_int_equal(identify_cookie(f, token4, &r), 0);
	assert_null(r.user);
	assert_false(db_request_end(f->db));
}

static void test_session_absolute_limit(void **state)
{
	struct fixture *f = *state;
	test_pin_now(T0);
	const char *token = start_session(f, f->uid);
	struct req r;
	/* Keep it busy every hour: it still ends at the absolute limit. */
	int64_t t;
	for (t = T0 + 3600; t <= T0 + SESSION_ABSOLUTE_SECONDS; t += 3600) {
		test_pin_now(t);
		assert_int_equal(identify_cookie(f, token, &r), 0);
		assert_non_null(r.user);
	}
	test_pin_now(T0 + SESSION_ABSOLUTE_SECONDS + 1);
	assert_int_equal(identify_cookie(f, token, &r), 0);
	assert_null(r.user);
}

/* ---- roles ---- */

static void test_roles(void **state)
{
	(void)state;
	for (int i = 0; i < ROLE__MAX; i++) {
		const char *name = role_name((enum role)i);
		assert_int_equal(role_parse(name), i);
		assert_string_not_equal(role_label((enum role)i), "Unknown");
		for (int j = 0; j < i; j++)
			assert_string_not_equal(name, role_name((enum role)j));
	}
	assert_string_equal(role_name(ROLE_ADMIN), "admin");
	assert_string_equal(role_name(ROLE_PRACTITIONER), "practitioner");
	assert_int_equal(role_parse("analyst"), ROLE_ANALYST);
	assert_int_equal(role_parse("ADMIN"), -1);
	assert_int_equal(role_parse("admin "), -1);
	assert_int_equal(role_parse(""), -1);
	assert_int_equal(role_parse("unknown"), -1);
	assert_int_equal(role_parse(NULL), -1);
	assert_string_equal(role_name(ROLE__MAX), "unknown");
	assert_string_equal(role_label(ROLE__MAX), "Unknown");
	/* Route masks: each role its own bit, R_PUBLIC outside them all. */
	assert_int_equal(R_ANY_USER, R_ADMIN | R_TRAINER | R_SCHOOL | R_PRACTITIONER | R_CAMPAIGN | R_ANALYST);
	assert_int_equal(R_ANY_USER & R_PUBLIC, 0);
}

static void test_random_token(void **state)
{
	struct fixture *f = *state;
	const char *a = auth_random_token(f->arena, 32);
	const char *b = auth_random_token(f->arena, 32);
	assert_int_equal(strlen(a), 43); /* 32 bytes in unpadded base64 */
	assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
	assert_string_not_equal(a, b);
}

int main(void)
{
	test_uk_time();
	if (auth_init() != 0)
		return 1;
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_secrets),
		cmocka_unit_test(test_password_hash),
		T(test_login_ok_and_bad),
		T(test_login_inactive),
		T(test_csrf_anonymous),
		T(test_csrf_session),
		T(test_form_token_spend),
		T(test_api_token),
		T(test_token_last_used),
		T(test_session),
		T(test_session_absolute_limit),
		cmocka_unit_test(test_roles),
		T(test_random_token),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
