/* fuzz_dispatch.c — libFuzzer target: the whole dispatcher (route_handle: route table, roles, CSRF,
 * handlers) as a worker runs it, on a scratch database made once with the demo data and a session
 * and an API token for each demo role, so signed-in and API handlers are reached too. Each answer is
 * serialised as the server would send it and must be a well-formed CGI head: a Status line, then
 * "Name: value" lines of printable ASCII, and any Location a path on this site. Nothing may abort.
 *
 * Input (text, one field a line; a missing line is an absent header):
 *   who       admin | trainer | school | practitioner | campaign | analyst: that role's session cookie
 *             leads the Cookie header; token:ROLE: its API token as the bearer; anything else: nobody
 *   method, path, query, cookie, content type, authorization, origin, sec-fetch-site
 *   body      the rest of the input
 * "@CSRF@" in the query or body becomes the form token a page would have given: the session's, or a
 * fresh anonymous one. LANTERN_FUZZ_VERBOSE=1 prints each input's route and status. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "catalog.h"
#include "db.h"
#include "demo.h"
#include "req.h"
#include "resp.h"
#include "route.h"
#include "scanq.h"
#include "site.h"
#include "util.h"
#include "valid.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const roles[] = {"admin", "trainer", "school", "practitioner", "campaign", "analyst"};
enum { NROLES = sizeof roles / sizeof roles[0], FIELDS = 9 };

/* What each demo user looked like at the start, and its credentials: restored before every input,
 * so an input that signs out, revokes a token or edits an account does not lock later ones out. */
struct identity {
	int64_t id;
	char *email, *name, *school_urn, *password_hash;
	int64_t org_id;
	char *session, *session_hash, *csrf, *token;
	int64_t token_id;
};

static struct identity ids[NROLES];
static struct db *db;
static struct arena *arena;
static char scratch[] = "/tmp/lantern-fuzz-XXXXXX";
static char db_path[64];
static bool verbose;

static void fatal(const char *what)
{
	fprintf(stderr, "fuzz_dispatch: %s\n", what);
	exit(1);
}

/* A property of the answer broke: a crash libFuzzer keeps the input of. */
static void violation(const char *what)
{
	fprintf(stderr, "fuzz_dispatch: %s\n", what);
	abort();
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static const char SQL_USER[] =
	"SELECT id, email, name, coalesce(org_id, 0), school_urn, password_hash FROM users WHERE email = ?";
static const char SQL_SESSION_OF[] =
	"SELECT token_hash, csrf FROM login_sessions WHERE user_id = ? ORDER BY created_at DESC LIMIT 1";
static const char SQL_TOKEN_OF[] = "SELECT max(id) FROM api_tokens WHERE user_id = ?";
static const char SQL_RESTORE_USER[] =
	"UPDATE users SET email = ?, name = ?, role = ?, org_id = nullif(?, 0), school_urn = ?, password_hash = ?,"
	" active = 1 WHERE id = ?";
/* Sign-in failures are forgotten too, so one input's wrong passwords do not throttle the next. */
static const char SQL_RESTORE_THROTTLE[] = "DELETE FROM login_throttle";
static const char SQL_RESTORE_SESSION[] = "INSERT OR REPLACE INTO login_sessions (token_hash, user_id, csrf, created_at,"
					  " last_seen_at) VALUES (?, ?, ?, ?, ?)";
static const char SQL_RESTORE_TOKEN[] = "UPDATE api_tokens SET revoked_at = NULL WHERE id = ?";

static void remove_scratch(void)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < ARRAY_LEN(suffixes); i++) {
		char p[96];
		snprintf(p, sizeof p, "%s%s", db_path, suffixes[i]);
		unlink(p);
	}
	rmdir(scratch);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("TZ", "Europe/London", 1);
	verbose = getenv("LANTERN_FUZZ_VERBOSE") != NULL;
	site_set_base_url("https://lantern.fuzz.example");
	if (auth_init() != 0)
		fatal("cannot initialise libsodium");
	struct buf errors = {0};
	if (catalog_load(catalog_root(), &errors) != 0)
		fatal("the catalogue does not load (is LANTERN_CATALOG_DIR the repository?)");
	buf_free(&errors);
	if (mkdtemp(scratch) == NULL)
		fatal("cannot make a scratch directory");
	snprintf(db_path, sizeof db_path, "%s/lantern.db", scratch);
	atexit(remove_scratch);
	db = db_open(db_path, true);
	if (db == NULL || db_migrate(db) != 0 || auth_load_secrets(db) != 0)
		fatal("cannot make the scratch database");
	/* Nothing here must survive a power cut: no syncs, so inputs run at memory speed. */
	db_exec_script(db, "PRAGMA synchronous=OFF");
	int out = dup(1);
	if (freopen("/dev/null", "w", stdout) == NULL || demo_load(db) != 0) /* demo_load talks */
		fatal("cannot load the demo data");
	fflush(stdout);
	dup2(out, 1);
	close(out);
	arena = arena_new();
	for (int i = 0; i < NROLES; i++) {
		struct identity *u = &ids[i];
		const char *email = arena_printf(arena, "%s@lantern.example", roles[i]);
		struct db_stmt *st = db_query(db, SQL_USER, "s", email);
		if (!db_next(st))
			fatal("a demo user is missing");
		u->id = db_col_int64(st, 0);
		u->email = xstrdup(db_col_text(st, 1));
		u->name = xstrdup(db_col_text(st, 2));
		u->org_id = db_col_int64(st, 3);
		u->school_urn = dup_or_null(db_col_text(st, 4));
		u->password_hash = dup_or_null(db_col_text(st, 5));
		db_done(st);
		u->session = dup_or_null(auth_session_create(db, arena, u->id));
		u->token = dup_or_null(auth_token_create(db, arena, u->id, "fuzz"));
		st = db_query(db, SQL_SESSION_OF, "I", u->id);
		if (u->session == NULL || u->token == NULL || !db_next(st))
			fatal("cannot make a session or token");
		u->session_hash = xstrdup(db_col_text(st, 0));
		u->csrf = xstrdup(db_col_text(st, 1));
		db_done(st);
		u->token_id = db_int(db, 0, SQL_TOKEN_OF, "I", u->id);
	}
	arena_clear(arena);
	return 0;
}

static void restore_identities(void)
{
	int64_t now = now_utc();
	if (db_begin(db) != DB_OK)
		return;
	for (int i = 0; i < NROLES; i++) {
		const struct identity *u = &ids[i];
		db_exec(db, SQL_RESTORE_USER, "sssIssI", u->email, u->name, roles[i], u->org_id, u->school_urn,
			u->password_hash, u->id);
		db_exec(db, SQL_RESTORE_SESSION, "sIsII", u->session_hash, u->id, u->csrf, now, now);
		db_exec(db, SQL_RESTORE_TOKEN, "I", u->token_id);
	}
	db_exec(db, SQL_RESTORE_THROTTLE, "");
	db_commit(db);
	db_request_end(db);
}

/* s with every "@CSRF@" replaced by csrf, in the arena. */
static const char *with_csrf(const char *s, size_t len, const char *csrf, size_t *out_len)
{
	static const char mark[] = "@CSRF@";
	struct buf b = {0};
	buf_append(&b, "", 0);
	for (size_t i = 0; i < len;) {
		if (len - i >= sizeof mark - 1 && memcmp(s + i, mark, sizeof mark - 1) == 0) {
			buf_puts(&b, csrf);
			i += sizeof mark - 1;
		} else {
			buf_putc(&b, s[i++]);
		}
	}
	char *copy = arena_alloc(arena, b.len + 1);
	memcpy(copy, b.data, b.len + 1);
	*out_len = b.len;
	buf_free(&b);
	return copy;
}

static bool token_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || strchr("!#$%&'*+-.^_`|~", c);
}

/* The serialised answer's head: what nginx would pass on to a browser. */
static void check_head(const struct buf *out, int status)
{
	if (status < 200 || status > 599)
		violation("a status outside 200..599");
	const char *end = strstr(out->data, "\r\n\r\n");
	if (end == NULL || strncmp(out->data, "Status: ", 8) != 0)
		violation("a head without a Status line or an end");
	for (const char *line = out->data; line < end + 2;) {
		const char *p = line;
		while (p < end && token_char(*p))
			p++;
		if (p == line || p[0] != ':' || p[1] != ' ')
			violation("a header line without a token name");
		const char *value = p + 2, *v = value;
		while (*v >= ' ' && *v < 0x7f)
			v++;
		if (v[0] != '\r' || v[1] != '\n')
			violation("a header value with a control character or bare line end");
		if (strncmp(line, "Location: ", 10) == 0) {
			char *loc = xstrndup(value, (size_t)(v - value));
			bool local = valid_local_path(loc);
			free(loc);
			if (!local)
				violation("a Location that is not a path on this site");
		}
		line = v + 2;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > REQ_MAX_BODY)
		return 0;
	restore_identities();
	char *copy = xmalloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	const char *field[FIELDS] = {NULL};
	char *p = copy, *end = copy + size;
	for (int i = 0; i < FIELDS && p < end; i++) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		field[i] = *p && *p != '\n' ? p : NULL;
		if (nl == NULL) {
			p = end;
			break;
		}
		*nl = '\0';
		p = nl + 1;
	}
	const char *who = field[0] ? field[0] : "";
	const struct identity *session = NULL, *bearer = NULL;
	for (int i = 0; i < NROLES; i++) {
		if (strcmp(who, roles[i]) == 0)
			session = &ids[i];
		else if (str_starts(who, "token:") && strcmp(who + 6, roles[i]) == 0)
			bearer = &ids[i];
	}
	struct req r = {.arena = arena, .db = db};
	const char *csrf = session ? session->csrf : auth_csrf_token(&r);
	size_t qlen, blen = 0;
	struct req_raw raw = {
		.method = field[1] ? field[1] : "GET",
		.path = field[2],
		.query = field[3] ? with_csrf(field[3], strlen(field[3]), csrf, &qlen) : NULL,
		.cookie = field[4],
		.content_type = field[5],
		.authorization = field[6],
		.origin = field[7],
		.sec_fetch_site = field[8],
	};
	if (session)
		raw.cookie = arena_printf(arena, SESSION_COOKIE "=%s%s%s", session->session, raw.cookie ? "; " : "",
					  raw.cookie ? raw.cookie : "");
	if (bearer && raw.authorization == NULL)
		raw.authorization = arena_printf(arena, "Bearer %s", bearer->token);
	if (p < end) {
		raw.body = with_csrf(p, (size_t)(end - p), csrf, &blen);
		raw.body_len = blen;
	}
	/* What the server answers 413 before dispatching. */
	if (blen > route_body_limit(raw.method, raw.path ? raw.path : "/"))
		goto out;

	struct resp o;
	resp_init(&o, arena);
	int status = route_handle(&r, &o, &raw);
	status = resp_settle(&o, status);
	struct buf head = {0};
	resp_serialize(&o, status, true, &head);
	check_head(&head, status);
	if (verbose) /* for writing seeds: did this one reach the handler it aims at? */
		fprintf(stderr, "fuzz_dispatch: %s %s -> %d %s\n", raw.method, route_log_name(&r), status,
			o.fault ? o.fault : "");
	buf_free(&head);
	resp_free(&o);
	req_free(&r);
	db_request_end(db);
	scanq_flush(db); /* the scan writer's duty, so queued scans are written and the queue stays small */
	db_request_end(db);
out:
	arena_clear(arena);
	free(copy);
	return 0;
}
