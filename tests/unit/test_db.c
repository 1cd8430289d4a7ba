/* test_db.c — the SQLite layer in app/db.c on temporary database files: migrations, binding,
 * result codes, transactions, failure reporting at the end of a request, backups, and writes through
 * a shared writer with group commit, and writers of different processes taking turns. */
#include "helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>

#include "db.h"
#include "migrations.h"

/* Statements are cached by the address of their literal, so tests keep them in named arrays. */
static const char SQL_VERSION[] = "PRAGMA user_version";
static const char SQL_AREAS[] = "SELECT count(*) FROM areas";
static const char SQL_T_CREATE[] = "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT UNIQUE, i INTEGER, big INTEGER,"
				   " d REAL, n BLOB)";
static const char SQL_T_INSERT[] = "INSERT INTO t (s, i, big, d, n) VALUES (?, ?, ?, ?, ?)";
static const char SQL_T_GET[] = "SELECT s, i, big, d, n, typeof(s), typeof(i), typeof(big), typeof(d), typeof(n)"
				" FROM t WHERE id = ?";
static const char SQL_T_COUNT[] = "SELECT count(*) FROM t";
static const char SQL_T_ALL[] = "SELECT id, s, i, big, d FROM t ORDER BY id";
static const char SQL_T_MAX_I[] = "SELECT max(i) FROM t";
static const char SQL_T_S_BY_ID[] = "SELECT s FROM t WHERE id = ?";
static const char SQL_T_SET_I[] = "UPDATE t SET i = ? WHERE i < ?";
static const char SQL_ABS[] = "SELECT abs(?)";
static const char SQL_T_BUMP[] = "UPDATE t SET big = big + 1, i = ? WHERE s = ?";
static const char SQL_T_BUMPED[] = "SELECT big * 100 + i FROM t WHERE id = 1";

static int setup(void **state)
{
	struct test_db *t = test_db_new(true);
	assert_int_equal(db_exec_script(t->db, SQL_T_CREATE), 0);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	test_db_free(*state);
	return 0;
}

static int64_t count_t(struct db *db)
{
	return db_int(db, -1, SQL_T_COUNT, "");
}

static const char SQL_NAMED_A[] = "SELECT :b || ':' || :a";
static const char SQL_NAMED_B[] = "SELECT :n + 1, :a";

/* Named values: each statement takes the subset it uses, in any order. */
static void test_named(void **state)
{
	struct test_db *t = *state;
	const struct db_named vals[] = {{":a", "alpha", 0}, {":b", "beta", 0}, {":n", NULL, 41}};
	struct db_stmt *st = db_query_named(t->db, SQL_NAMED_A, vals, 3);
	assert_true(db_next(st));
	assert_string_equal(db_col_text(st, 0), "beta:alpha");
	db_done(st);
	st = db_query_named(t->db, SQL_NAMED_B, vals, 3);
	assert_true(db_next(st));
	assert_int_equal(db_col_int64(st, 0), 42);
	assert_string_equal(db_col_text(st, 1), "alpha");
	db_done(st);
}

static void test_open_missing(void **state)
{
	(void)state;
	/* Without create, a missing file is an error, not a new empty database. */
	assert_null(db_open("/tmp/lantern-unit-no-such-dir/x.db", false));
	assert_null(db_open("/tmp/lantern-unit-no-such-dir/x.db", true));
	db_close(NULL); /* harmless */
}

static void test_migrate_idempotent(void **state)
{
	(void)state;
	struct test_db *t = test_db_new(false);
	assert_false(db_is_current(t->db)); /* a new file has no schema */
	assert_int_equal(db_int(t->db, -1, SQL_VERSION, ""), 0);
	assert_int_equal(db_migrate(t->db), 0);
	assert_true(db_is_current(t->db));
	int64_t version = db_int(t->db, -1, SQL_VERSION, "");
	assert_int_equal(version, migrations[migrations_count - 1].version);
	int64_t areas = db_int(t->db, -1, SQL_AREAS, "");
	assert_true(areas > 0);

	/* Again: nothing re-applied (CREATE TABLE would fail), nothing duplicated. */
	assert_int_equal(db_migrate(t->db), 0);
	assert_true(db_is_current(t->db));
	assert_int_equal(db_int(t->db, -1, SQL_VERSION, ""), version);
	assert_int_equal(db_int(t->db, -1, SQL_AREAS, ""), areas);
	assert_false(db_request_end(t->db));

	/* And from a fresh connection to the same file. */
	db_close(t->db);
	t->db = db_open(t->path, false);
	assert_non_null(t->db);
	assert_true(db_is_current(t->db));
	assert_int_equal(db_migrate(t->db), 0);
	assert_int_equal(db_int(t->db, -1, SQL_AREAS, ""), areas);
	test_db_free(t);
}

static void test_migrations_numbered(void **state)
{
	(void)state;
	assert_true(migrations_count >= 1);
	assert_int_equal(migrations[0].version, 1);
	for (int i = 0; i < migrations_count; i++) {
		/* Increasing; numbers may be skipped while parallel branches hold them (003 and 004 for
		 * now), since db_migrate applies whatever is above the stored version in order. */
		if (i > 0)
			assert_true(migrations[i].version > migrations[i - 1].version);
		assert_non_null(migrations[i].name);
		assert_true(strlen(migrations[i].sql) > 0);
	}
}

static void test_bind_types(void **state)
{
	struct test_db *t = *state;
	struct db *db = t->db;
	assert_int_equal(db_exec(db, SQL_T_INSERT, "siIdn", "h\xc3\xa9llo 'q'", 42, INT64_MAX, 2.5), DB_OK);
	int64_t id = db_last_id(db);
	assert_true(id > 0);
	assert_int_equal(db_changes(db), 1);

	struct db_stmt *st = db_query(db, SQL_T_GET, "I", id);
	assert_true(db_next(st));
	assert_string_equal(db_col_text(st, 0), "h\xc3\xa9llo 'q'");
	assert_int_equal(db_col_int(st, 1), 42);
	assert_int_equal(db_col_int64(st, 2), INT64_MAX);
	assert_true(db_col_double(st, 3) == 2.5);
	assert_true(db_col_null(st, 4));
	assert_false(db_col_null(st, 0));
	assert_string_equal(db_col_text(st, 5), "text");
	assert_string_equal(db_col_text(st, 6), "integer");
	assert_string_equal(db_col_text(st, 7), "integer");
	assert_string_equal(db_col_text(st, 8), "real");
	assert_string_equal(db_col_text(st, 9), "null");
	assert_false(db_next(st)); /* one row only */
	db_done(st);
	db_done(st); /* twice is safe */

	/* A NULL string binds SQL NULL, and NULL reads back as NULL. */
	assert_int_equal(db_exec(db, SQL_T_INSERT, "siIdn", NULL, -1, INT64_MIN, -0.125), DB_OK);
	id = db_last_id(db);
	st = db_query(db, SQL_T_GET, "I", id);
	assert_true(db_next(st));
	assert_true(db_col_null(st, 0));
	assert_null(db_col_text(st, 0));
	assert_string_equal(db_col_text(st, 5), "null");
	assert_int_equal(db_col_int(st, 1), -1);
	assert_int_equal(db_col_int64(st, 2), INT64_MIN);
	assert_true(db_col_double(st, 3) == -0.125);
	db_done(st);

	/* Text is bound as text, never spliced: SQL in a value is just a value. */
	const char *evil = "x'); DROP TABLE t; --";
	assert_int_equal(db_exec(db, SQL_T_INSERT, "siIdn", evil, 0, (int64_t)0, 0.0), DB_OK);
	id = db_last_id(db);
	st = db_query(db, SQL_T_S_BY_ID, "I", id);
	assert_true(db_next(st));
	assert_string_equal(db_col_text(st, 0), evil);
	db_done(st);
	assert_int_equal(count_t(db), 3);
	assert_false(db_request_end(db));
}

static void test_query_reuse(void **state)
{
	struct test_db *t = *state;
	struct db *db = t->db;
	for (int i = 1; i <= 3; i++) {
		char s[16];
		snprintf(s, sizeof s, "r%d", i);
		assert_int_equal(db_exec(db, SQL_T_INSERT, "siIdn", s, i * 10, (int64_t)i, (double)i), DB_OK);
	}
	/* The cached statement is reset and re-bound each time, even if left mid-iteration. */
	struct db_stmt *st = db_query(db, SQL_T_ALL, "");
	assert_true(db_next(st));
	assert_string_equal(db_col_text(st, 1), "r1");
	st = db_query(db, SQL_T_ALL, "");
	int rows = 0;
	while (db_next(st)) {
		rows++;
		assert_int_equal(db_col_int(st, 2), rows * 10);
	}
	assert_int_equal(rows, 3);

	/* db_int: the first column of the first row, or the fallback when there is none or it is NULL. */
	assert_int_equal(db_int(db, -1, SQL_T_MAX_I, ""), 30);
	assert_int_equal(db_int(db, -7, SQL_T_S_BY_ID, "I", (int64_t)999), -7);
	assert_int_equal(db_exec(db, SQL_T_SET_I, "ii", 100, 25), DB_OK);
	assert_int_equal(db_changes(db), 2);
	assert_int_equal(db_int(db, -1, SQL_T_MAX_I, ""), 100);
	assert_false(db_request_end(db));
}

static void test_constraint(void **state)
{
	struct test_db *t = *state;
	struct db *db = t->db;
	assert_int_equal(db_exec(db, SQL_T_INSERT, "siIdn", "unique", 1, (int64_t)1, 1.0), DB_OK);
	assert_int_equal(db_exec(db, SQL_T_INSERT, "siIdn", "unique", 2, (int64_t)2, 2.0), DB_CONSTRAINT);
	assert_int_equal(count_t(db), 1);
	/* A refused write is an expected outcome, not a failed connection. */
	assert_false(db_request_end(db));
	/* The schema's own rules: CHECK and foreign keys are on. */
	static const char SQL_BAD_ROLE[] = "INSERT INTO users (email, name, role, created_at) VALUES ('a@b.org', 'A', 'king', 0)";
	static const char SQL_BAD_ORG[] = "INSERT INTO users (email, name, role, org_id, created_at)"
					  " VALUES ('b@b.org', 'B', 'admin', 999, 0)";
	assert_int_equal(db_exec(db, SQL_BAD_ROLE, ""), DB_CONSTRAINT);
	assert_int_equal(db_exec(db, SQL_BAD_ORG, ""), DB_CONSTRAINT);
	assert_false(db_request_end(db));
}

static void test_transactions(void **state)
{
	struct test_db *t = *state;
	struct db *db = t->db;
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(db_exec(db, SQL_T_INSERT, "siIdn", "a", 1, (int64_t)1, 1.0), DB_OK);
	assert_int_equal(db_exec(db, SQL_T_INSERT, "siIdn", "b", 2, (int64_t)2, 2.0), DB_OK);
	assert_int_equal(count_t(db), 2); /* visible inside */
	db_rollback(db);
	assert_int_equal(count_t(db), 0); /* nothing written */
	db_rollback(db);                  /* with no transaction open: harmless */

	/* Nothing persists to another connection either. */
	struct db *other = db_open(t->path, false);
	assert_non_null(other);
	assert_int_equal(count_t(other), 0);

	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(db_exec(db, SQL_T_INSERT, "siIdn", "c", 3, (int64_t)3, 3.0), DB_OK);
	/* BEGIN IMMEDIATE holds the write lock: another writer is told it is busy. */
	db_exec_script(other, "PRAGMA busy_timeout = 0");
	assert_int_equal(db_begin(other), DB_BUSY);
	assert_int_equal(db_commit(db), DB_OK);
	assert_int_equal(count_t(db), 1);
	assert_int_equal(count_t(other), 1);
	assert_false(db_request_end(db));
	db_request_end(other);
	db_close(other);
}

/* A write kept for later (a "last used" time): made inside the request's own transaction, once, or at
 * the request's end if it has none or its own does not commit. */
static void test_aside_soon(void **state)
{
	struct test_db *t = *state;
	struct db *db = t->db;
	assert_int_equal(db_exec(db, SQL_T_INSERT, "siIdn", "a", 0, (int64_t)0, 0.0), DB_OK);
	/* No transaction: made at the request's end, not before. */
	db_exec_aside_soon(db, SQL_T_BUMP, 7, "a");
	assert_int_equal(db_int(db, -1, SQL_T_BUMPED, ""), 0);
	assert_false(db_request_end(db));
	assert_int_equal(db_int(db, -1, SQL_T_BUMPED, ""), 107);
	/* A transaction that commits carries it: made inside it, and not again at the end. */
	db_exec_aside_soon(db, SQL_T_BUMP, 8, "a");
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(db_exec(db, SQL_T_INSERT, "siIdn", "b", 0, (int64_t)0, 0.0), DB_OK);
	assert_int_equal(db_int(db, -1, SQL_T_BUMPED, ""), 208);
	assert_int_equal(db_commit(db), DB_OK);
	assert_false(db_request_end(db));
	assert_int_equal(db_int(db, -1, SQL_T_BUMPED, ""), 208);
	assert_int_equal(count_t(db), 2);
	/* One that rolls back takes it with it: it is made on its own at the end. */
	db_exec_aside_soon(db, SQL_T_BUMP, 9, "a");
	assert_int_equal(db_begin(db), DB_OK);
	db_rollback(db);
	assert_int_equal(db_int(db, -1, SQL_T_BUMPED, ""), 208);
	assert_false(db_request_end(db));
	assert_int_equal(db_int(db, -1, SQL_T_BUMPED, ""), 309);
	/* A second kept before the first was made: the first is made at once. */
	db_exec_aside_soon(db, SQL_T_BUMP, 10, "a");
	db_exec_aside_soon(db, SQL_T_BUMP, 11, "a");
	assert_int_equal(db_int(db, -1, SQL_T_BUMPED, ""), 410);
	assert_false(db_request_end(db));
	assert_int_equal(db_int(db, -1, SQL_T_BUMPED, ""), 511);
}

static void test_request_end_failure(void **state)
{
	struct test_db *t = *state;
	struct db *db = t->db;
	assert_false(db_request_end(db));

	/* A step that fails at run time (integer overflow) ends the loop and marks the connection. */
	struct db_stmt *st = db_query(db, SQL_ABS, "I", INT64_MIN);
	assert_false(db_next(st));
	assert_true(db_request_end(db));
	assert_false(db_request_end(db)); /* reported once, then reset */

	/* The same through db_exec and db_int. */
	assert_int_equal(db_exec(db, SQL_ABS, "I", INT64_MIN), DB_ERROR);
	assert_true(db_request_end(db));
	assert_int_equal(db_int(db, 5, SQL_ABS, "I", INT64_MIN), 5);
	assert_true(db_request_end(db));
	assert_int_equal(db_int(db, 5, SQL_ABS, "I", (int64_t)-3), 3); /* and it works again */
	assert_false(db_request_end(db));

	/* A handler may mark the failure itself. */
	db_fail(db);
	assert_true(db_request_end(db));
	assert_false(db_request_end(db));

	/* A transaction left open is a bug: rolled back and reported. */
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(db_exec(db, SQL_T_INSERT, "siIdn", "left", 1, (int64_t)1, 1.0), DB_OK);
	assert_true(db_request_end(db));
	assert_int_equal(count_t(db), 0);
	assert_int_equal(db_begin(db), DB_OK); /* and a new one can start */
	db_rollback(db);

	/* A statement left mid-iteration is reset, so its read snapshot does not pin old data. */
	assert_int_equal(db_exec(db, SQL_T_INSERT, "siIdn", "x", 1, (int64_t)1, 1.0), DB_OK);
	assert_int_equal(db_exec(db, SQL_T_INSERT, "siIdn", "y", 2, (int64_t)2, 2.0), DB_OK);
	st = db_query(db, SQL_T_ALL, "");
	assert_true(db_next(st));
	assert_false(db_request_end(db));
	struct db *other = db_open(t->path, false);
	assert_non_null(other);
	assert_int_equal(db_exec(other, SQL_T_INSERT, "siIdn", "z", 3, (int64_t)3, 3.0), DB_OK);
	db_close(other);
	assert_int_equal(count_t(db), 3);
	assert_false(db_request_end(db));
}

static const char SQL_NOT_SQL[] = "SELEC 1";
static const char SQL_NAMED_C[] = "SELECT :missing";

/* A bug in a statement (SQL that does not prepare, values that do not fit its parameters) costs the
 * request a 500 (db_request_end reports it), never the process; the connection goes on working. */
static void test_bugs_fail_the_request(void **state)
{
	struct test_db *t = *state;
	struct db *db = t->db;
	struct db_stmt *st = db_query(db, SQL_NOT_SQL, "");
	assert_false(db_next(st));
	db_done(st);
	assert_true(db_request_end(db));
	assert_int_equal(db_exec(db, SQL_NOT_SQL, ""), DB_ERROR);
	assert_int_equal(db_int(db, 7, SQL_NOT_SQL, ""), 7);
	assert_true(db_request_end(db));

	assert_int_equal(db_int(db, -1, SQL_T_S_BY_ID, "II", (int64_t)1, (int64_t)2), -1); /* one too many */
	assert_true(db_request_end(db));
	assert_int_equal(db_int(db, -1, SQL_T_S_BY_ID, ""), -1); /* one too few */
	assert_true(db_request_end(db));
	assert_int_equal(db_exec(db, SQL_T_INSERT, "siIdx", "a", 1, (int64_t)1, 1.0), DB_ERROR); /* no 'x' */
	assert_true(db_request_end(db));
	assert_int_equal(count_t(db), 0);
	struct db_named none[] = {{":other", "x", 0}};
	assert_false(db_next(db_query_named(db, SQL_NAMED_C, none, 1)));
	assert_true(db_request_end(db));

	/* The same statements, used rightly, work. */
	assert_int_equal(db_exec(db, SQL_T_INSERT, "siIdn", "a", 1, (int64_t)1, 1.0), DB_OK);
	assert_int_equal(count_t(db), 1);
	struct db_named one[] = {{":missing", "here", 0}};
	st = db_query_named(db, SQL_NAMED_C, one, 1);
	assert_true(db_next(st));
	assert_string_equal(db_col_text(st, 0), "here");
	db_done(st);
	assert_false(db_request_end(db));
}

static void test_exec_script(void **state)
{
	struct test_db *t = *state;
	assert_int_equal(db_exec_script(t->db, "INSERT INTO t (s) VALUES ('a'); INSERT INTO t (s) VALUES ('b');"), 0);
	assert_int_equal(count_t(t->db), 2);
	assert_int_equal(db_exec_script(t->db, "THIS IS NOT SQL"), -1);
	assert_int_equal(db_exec_script(t->db, "INSERT INTO t (s) VALUES ('a')"), -1); /* UNIQUE */
	assert_int_equal(count_t(t->db), 2);
}

/* Connections sharing a writer: their transactions and their writes outside one go through it, each
 * sees what the others committed, and a rollback takes back only its own transaction. */
static void test_shared_writer(void **state)
{
	struct test_db *t = *state;
	struct db *w = db_open(t->path, false), *a = db_open(t->path, false), *b = db_open(t->path, false);
	assert_non_null(w);
	assert_non_null(a);
	assert_non_null(b);
	db_share_writer(a, w);
	db_share_writer(b, w);
	assert_int_equal(db_begin(a), DB_OK);
	assert_int_equal(db_exec(a, SQL_T_INSERT, "siIdn", "a1", 1, (int64_t)1, 1.0), DB_OK);
	int64_t id = db_last_id(a);
	assert_true(id > 0);
	assert_int_equal(db_int(a, -1, SQL_T_COUNT, ""), 1); /* its own write, inside */
	assert_int_equal(db_commit(a), DB_OK);
	assert_int_equal(count_t(b), 1); /* committed: another connection reads it */
	assert_int_equal(db_exec(b, SQL_T_INSERT, "siIdn", "b1", 2, (int64_t)2, 2.0), DB_OK); /* no transaction */
	assert_int_equal(db_last_id(b), id + 1);
	assert_int_equal(db_changes(b), 1);
	assert_int_equal(count_t(t->db), 2);
	assert_int_equal(db_begin(b), DB_OK);
	assert_int_equal(db_exec(b, SQL_T_INSERT, "siIdn", "b2", 3, (int64_t)3, 3.0), DB_OK);
	assert_int_equal(db_exec(b, SQL_T_INSERT, "siIdn", "b1", 4, (int64_t)4, 4.0), DB_CONSTRAINT);
	db_rollback(b);
	assert_int_equal(count_t(a), 2);
	/* A thread with a transaction open beginning another, through either connection, is a bug: it would
	 * wait for itself. Refused and reported; the open one is rolled back at the end of the request. */
	assert_int_equal(db_begin(a), DB_OK);
	assert_int_equal(db_begin(b), DB_ERROR);
	assert_int_equal(db_begin(a), DB_ERROR);
	assert_true(db_request_end(b));
	assert_true(db_request_end(a));
	assert_int_equal(db_begin(b), DB_OK); /* the writer is free again */
	db_rollback(b);
	db_close(a);
	db_close(b);
	db_close(w);
}

enum { WRITERS = 6, EACH = 150 };

struct writer_thread {
	const char *path;
	struct db *shared;
	int id, committed;
};

static const char SQL_T_NEXT_I[] = "SELECT coalesce(max(i), 0) + 1 FROM t";

/* Read-then-write in each transaction, as booking does: any lost or doubled write shows as a gap or a
 * repeat in i, which the UNIQUE column s catches. */
static void *writer_main(void *arg)
{
	struct writer_thread *wt = arg;
	struct db *db = db_open(wt->path, false);
	db_share_writer(db, wt->shared);
	for (int k = 0; k < EACH; k++) {
		assert_int_equal(db_begin(db), DB_OK);
		int64_t next = db_int(db, -1, SQL_T_NEXT_I, "");
		char s[32];
		snprintf(s, sizeof s, "n%lld", (long long)next);
		assert_int_equal(db_exec(db, SQL_T_INSERT, "siIdn", s, (int)next, (int64_t)wt->id, 0.0), DB_OK);
		if (k % 10 == 9) {
			db_rollback(db); /* one in ten changes its mind */
			continue;
		}
		assert_int_equal(db_commit(db), DB_OK);
		wt->committed++;
	}
	db_close(db);
	return NULL;
}

/* Threads writing at once through one writer, grouped into shared commits: every committed transaction
 * is there exactly once, in a gapless sequence, and none rolled back is. */
static void test_group_commit(void **state)
{
	struct test_db *t = *state;
	struct db *shared = db_open(t->path, false);
	pthread_t threads[WRITERS];
	struct writer_thread wt[WRITERS];
	for (int i = 0; i < WRITERS; i++) {
		wt[i] = (struct writer_thread){.path = t->path, .shared = shared, .id = i};
		assert_int_equal(pthread_create(&threads[i], NULL, writer_main, &wt[i]), 0);
	}
	int committed = 0;
	for (int i = 0; i < WRITERS; i++) {
		pthread_join(threads[i], NULL);
		committed += wt[i].committed;
	}
	db_close(shared);
	assert_int_equal(committed, WRITERS * EACH * 9 / 10);
	assert_int_equal(count_t(t->db), committed);
	assert_int_equal(db_int(t->db, -1, SQL_T_MAX_I, ""), committed);
}

static void test_backup(void **state)
{
	struct test_db *t = *state;
	struct db *db = t->db;
	for (int i = 0; i < 200; i++) {
		char s[16];
		snprintf(s, sizeof s, "row-%03d", i);
		assert_int_equal(db_exec(db, SQL_T_INSERT, "siIdn", s, i, (int64_t)i << 33, i / 4.0), DB_OK);
	}
	char path[64];
	snprintf(path, sizeof path, "/tmp/lantern-unit-backup-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(db_backup(db, path), 0);

	struct db *copy = db_open(path, false);
	assert_non_null(copy);
	assert_true(db_is_current(copy));
	assert_int_equal(count_t(copy), 200);
	assert_int_equal(db_int(copy, -1, SQL_AREAS, ""), db_int(db, -1, SQL_AREAS, ""));
	struct db_stmt *a = db_query(db, SQL_T_ALL, "");
	struct db_stmt *b = db_query(copy, SQL_T_ALL, "");
	int rows = 0;
	while (db_next(a)) {
		assert_true(db_next(b));
		assert_int_equal(db_col_int64(a, 0), db_col_int64(b, 0));
		assert_string_equal(db_col_text(a, 1), db_col_text(b, 1));
		assert_int_equal(db_col_int(a, 2), db_col_int(b, 2));
		assert_int_equal(db_col_int64(a, 3), db_col_int64(b, 3));
		assert_true(db_col_double(a, 4) == db_col_double(b, 4));
		rows++;
	}
	assert_false(db_next(b));
	assert_int_equal(rows, 200);
	assert_false(db_request_end(copy));
	db_close(copy);
	test_db_unlink(path);

	/* A destination that cannot be created is an error. */
	assert_int_equal(db_backup(db, "/tmp/lantern-unit-no-such-dir/backup.db"), -1);
	assert_false(db_request_end(db));
}

struct watch {
	const char *turns;
	atomic_bool stop, seen;
};

/* Watches the turn file from a descriptor of its own for a writer showing that it waits. */
static void *watch_main(void *arg)
{
	struct watch *wa = arg;
	int fd = open(wa->turns, O_RDWR);
	while (fd >= 0 && !atomic_load(&wa->stop)) {
		struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = 1};
		if (fcntl(fd, F_OFD_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
			atomic_store(&wa->seen, true);
		usleep(1000);
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

/* While another process (the sqlite3 shell) holds the write lock, a writer taking turns waits for it
 * and shows that it waits in the turn file; once it has the lock it shows nothing. */
static void test_turns(void **state)
{
	struct test_db *t = *state;
	char turns[80], ready[80], script[400];
	snprintf(turns, sizeof turns, "%s-lock", t->path);
	snprintf(ready, sizeof ready, "%s-ready", t->path);
	struct db *w = db_open(t->path, false);
	db_take_turns(w, turns);
	snprintf(script, sizeof script,
		 "sqlite3 %s >/dev/null <<'EOF'\nBEGIN IMMEDIATE;\nINSERT INTO t (s) VALUES ('shell');\n"
		 ".shell touch %s; sleep 2\nCOMMIT;\nEOF\n",
		 t->path, ready);
	FILE *shell = popen(script, "r");
	assert_non_null(shell);
	for (int i = 0; i < 1000 && access(ready, F_OK) != 0; i++)
		usleep(10 * 1000);
	assert_int_equal(access(ready, F_OK), 0);
	struct watch wa = {.turns = turns};
	pthread_t watcher;
	assert_int_equal(pthread_create(&watcher, NULL, watch_main, &wa), 0);
	assert_int_equal(db_begin(w), DB_OK); /* after the shell's COMMIT */
	assert_int_equal(count_t(w), 1);
	usleep(20 * 1000);
	atomic_store(&wa.stop, true);
	pthread_join(watcher, NULL);
	assert_true(atomic_load(&wa.seen));
	int fd = open(turns, O_RDWR);
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = 1};
	assert_int_equal(fcntl(fd, F_OFD_GETLK, &fl), 0);
	assert_int_equal(fl.l_type, F_UNLCK);
	close(fd);
	db_rollback(w);
	db_close(w);
	assert_int_equal(pclose(shell), 0);
	unlink(turns);
	unlink(ready);
}

/* Syncing apart (db_sync_apart): a committer hands the writer on before it syncs the WAL, yet its
 * db_commit returns only after that sync; transactions that finish while it syncs wait for it and are
 * committed together in one group, with one sync; a sync that fails fails the commit. */
static atomic_int syncs_started, syncs_done, later_began;
static atomic_bool overlapped;

static int slow_sync(int fd)
{
	if (atomic_fetch_add(&syncs_started, 1) == 0) {
		for (int i = 0; i < 200 && atomic_load(&later_began) < 2; i++) /* up to 2 s */
			usleep(10 * 1000);
		atomic_store(&overlapped, atomic_load(&later_began) == 2);
		usleep(100 * 1000); /* the second of them reaches its commit */
	}
	int rc = fdatasync(fd);
	atomic_fetch_add(&syncs_done, 1);
	return rc;
}

static int failing_sync(int fd)
{
	(void)fd;
	errno = EIO;
	return -1;
}

struct later {
	struct db *db;
	const char *s;
	int after; /* begins once this many others have begun, and 100 ms more */
	enum db_rc rc;
};

static void *later_main(void *arg)
{
	struct later *l = arg;
	while (atomic_load(&syncs_started) == 0 || atomic_load(&later_began) < l->after)
		usleep(1000);
	if (l->after)
		usleep(100 * 1000); /* the one before has finished and waits for its group */
	if ((l->rc = db_begin(l->db)) != DB_OK)
		return NULL;
	atomic_fetch_add(&later_began, 1);
	if ((l->rc = db_exec(l->db, SQL_T_INSERT, "siIdn", l->s, 2, (int64_t)2, 2.0)) == DB_OK)
		l->rc = db_commit(l->db);
	else
		db_rollback(l->db);
	return NULL;
}

static void test_sync_apart(void **state)
{
	struct test_db *t = *state;
	struct db *w = db_open(t->path, false), *a = db_open(t->path, false);
	struct later later[2] = {{.db = db_open(t->path, false), .s = "second", .after = 0, .rc = DB_ERROR},
				 {.db = db_open(t->path, false), .s = "third", .after = 1, .rc = DB_ERROR}};
	db_share_writer(a, w);
	db_sync_apart(w, t->path);
	db_test_wal_sync(slow_sync);
	pthread_t threads[2];
	for (int i = 0; i < 2; i++) {
		db_share_writer(later[i].db, w);
		assert_int_equal(pthread_create(&threads[i], NULL, later_main, &later[i]), 0);
	}
	assert_int_equal(db_begin(a), DB_OK);
	assert_int_equal(db_exec(a, SQL_T_INSERT, "siIdn", "first", 1, (int64_t)1, 1.0), DB_OK);
	assert_int_equal(db_commit(a), DB_OK);
	assert_true(atomic_load(&syncs_done) >= 1); /* answered only once its group is durable */
	for (int i = 0; i < 2; i++) {
		pthread_join(threads[i], NULL);
		assert_int_equal(later[i].rc, DB_OK);
	}
	assert_true(atomic_load(&overlapped));         /* both began while the first group synced */
	assert_int_equal(atomic_load(&syncs_done), 2); /* and were made durable together */
	assert_int_equal(count_t(t->db), 3);
	db_test_wal_sync(failing_sync);
	assert_int_equal(db_exec(a, SQL_T_INSERT, "siIdn", "fourth", 3, (int64_t)3, 3.0), DB_ERROR);
	assert_true(db_request_end(a));
	db_test_wal_sync(NULL);
	db_close(a);
	for (int i = 0; i < 2; i++)
		db_close(later[i].db);
	db_close(w);
}

static const char SQL_T_BIG[] = "INSERT INTO t (n) VALUES (randomblob(16000))";
static const char SQL_AUTOCHECKPOINT[] = "PRAGMA wal_autocheckpoint";

static off_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_size : -1;
}

/* A writer whose checkpoints are apart leaves them to its checkpointer: SQLite's own autocheckpoint
 * (which would grow the file as well, but on the committing thread) is off on the writer, and as its
 * commits fill the WAL past 1,000 pages, and each 500 more, the rows written by then reach the
 * database file itself without another commit. */
static void test_checkpoint_apart(void **state)
{
	struct test_db *t = *state;
	struct db *w = db_open(t->path, false);
	assert_int_equal(db_int(w, -1, SQL_AUTOCHECKPOINT, ""), 1000);
	db_checkpoint_apart(w, t->path);
	assert_int_equal(db_int(w, -1, SQL_AUTOCHECKPOINT, ""), 0); /* 0: another hook has the WAL */
	off_t before = file_size(t->path);
	for (int i = 0; i < 400; i++) /* about six WAL frames a row: the last wake is at 2,000 frames */
		assert_int_equal(db_exec(w, SQL_T_BIG, ""), DB_OK);
	off_t want = before + 250 * 16000;
	for (int i = 0; i < 500 && file_size(t->path) < want; i++)
		usleep(10 * 1000);
	assert_true(file_size(t->path) >= want);
	assert_int_equal(count_t(w), 400);
	db_close(w);
}

int main(void)
{
	test_uk_time();
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_named),
		cmocka_unit_test(test_open_missing),
		cmocka_unit_test(test_migrate_idempotent),
		cmocka_unit_test(test_migrations_numbered),
		T(test_bind_types),
		T(test_query_reuse),
		T(test_constraint),
		T(test_transactions),
		T(test_request_end_failure),
		T(test_aside_soon),
		T(test_bugs_fail_the_request),
		T(test_exec_script),
		T(test_backup),
		T(test_shared_writer),
		T(test_group_commit),
		T(test_turns),
		T(test_checkpoint_apart),
		T(test_sync_apart),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
