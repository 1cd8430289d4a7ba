/* db.c — the only file that includes <sqlite3.h>. One connection per thread; statements are
 * prepared once per connection, looked up by the address of their SQL literal. */
#include "db.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "migrations.h"
#include "util.h"

enum { STMT_SLOTS = 512, BUSY_TIMEOUT_MS = 5000 };

/* One writer at a time within the process. SQLite would serialise writers anyway, but a connection
 * that finds the write lock taken sleeps in its busy handler (1, 2, 5, 10 … ms) although the lock is
 * held for well under a millisecond; waiting on a mutex hands the lock straight on. The busy timeout
 * still covers other processes (the command line, a backup). */
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;
/* This thread holds write_lock through one of its connections: a second connection of the same thread
 * then goes straight to SQLite (and is told it is busy) rather than wait for itself. */
static _Thread_local bool thread_writes;

struct db_stmt {
	const char *sql; /* the literal's address is the cache key */
	sqlite3_stmt *stmt;
	struct db *db;
	bool active; /* stepped since the last reset */
};

struct db {
	sqlite3 *h;
	bool failed;
	bool writing; /* holds write_lock: between db_begin and db_commit or db_rollback */
	struct db_stmt slots[STMT_SLOTS]; /* open addressing on the SQL pointer */
};

static void release(struct db *db);

static void fail(struct db *db, const char *what)
{
	log_error("sqlite: %s: %s", what, sqlite3_errmsg(db->h));
	db->failed = true;
}

struct db *db_open(const char *path, bool create)
{
	struct db *db = xcalloc(1, sizeof *db);
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(path, &db->h, flags, NULL) != SQLITE_OK) {
		log_error("cannot open database %s: %s", path, db->h ? sqlite3_errmsg(db->h) : "no memory");
		sqlite3_close(db->h);
		free(db);
		return NULL;
	}
	sqlite3_busy_timeout(db->h, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(db->h, 1);
	/* FULL: an acknowledged write survives a power cut (issue 2); WAL lets readers run beside it. */
	const char *pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
			      "PRAGMA temp_store=MEMORY;";
	char *err = NULL;
	if (sqlite3_exec(db->h, pragmas, NULL, NULL, &err) != SQLITE_OK) {
		log_error("cannot configure database %s: %s", path, err ? err : "?");
		sqlite3_free(err);
		db_close(db);
		return NULL;
	}
	return db;
}

void db_close(struct db *db)
{
	if (db == NULL)
		return;
	for (int i = 0; i < STMT_SLOTS; i++)
		sqlite3_finalize(db->slots[i].stmt);
	release(db);
	sqlite3_close(db->h);
	free(db);
}

static struct db_stmt *prepare(struct db *db, const char *sql)
{
	size_t h = ((uintptr_t)sql >> 3) % STMT_SLOTS;
	for (size_t n = 0; n < STMT_SLOTS; n++, h = (h + 1) % STMT_SLOTS) {
		struct db_stmt *s = &db->slots[h];
		if (s->sql == sql)
			return s;
		if (s->sql == NULL) {
			if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->stmt, NULL) != SQLITE_OK)
				die("sqlite: cannot prepare: %s\n%s", sqlite3_errmsg(db->h), sql);
			s->sql = sql;
			s->db = db;
			return s;
		}
	}
	die("sqlite: more than %d distinct statements", STMT_SLOTS);
}

static void bind_args(struct db_stmt *st, const char *fmt, va_list ap)
{
	int i = 1;
	for (const char *f = fmt; f && *f; f++, i++) {
		int rc;
		switch (*f) {
		case 's': {
			const char *v = va_arg(ap, const char *);
			rc = v ? sqlite3_bind_text(st->stmt, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st->stmt, i);
			break;
		}
		case 'i':
			rc = sqlite3_bind_int(st->stmt, i, va_arg(ap, int));
			break;
		case 'I':
			rc = sqlite3_bind_int64(st->stmt, i, va_arg(ap, int64_t));
			break;
		case 'd':
			rc = sqlite3_bind_double(st->stmt, i, va_arg(ap, double));
			break;
		case 'n':
			rc = sqlite3_bind_null(st->stmt, i);
			break;
		default:
			die("db: bad bind format '%c' in \"%s\"", *f, fmt);
		}
		if (rc != SQLITE_OK)
			die("sqlite: bind %d failed: %s\n%s", i, sqlite3_errstr(rc), st->sql);
	}
	if (sqlite3_bind_parameter_count(st->stmt) != i - 1)
		die("db: %d values bound, statement takes %d\n%s", i - 1, sqlite3_bind_parameter_count(st->stmt),
		    st->sql);
}

static struct db_stmt *vquery(struct db *db, const char *sql, const char *fmt, va_list ap)
{
	struct db_stmt *st = prepare(db, sql);
	sqlite3_reset(st->stmt);
	sqlite3_clear_bindings(st->stmt);
	st->active = false;
	bind_args(st, fmt, ap);
	return st;
}

struct db_stmt *db_query(struct db *db, const char *sql, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct db_stmt *st = vquery(db, sql, fmt, ap);
	va_end(ap);
	return st;
}

struct db_stmt *db_query_named(struct db *db, const char *sql, const struct db_named *vals, int n)
{
	struct db_stmt *st = prepare(db, sql);
	sqlite3_reset(st->stmt);
	sqlite3_clear_bindings(st->stmt);
	st->active = false;
	int params = sqlite3_bind_parameter_count(st->stmt);
	for (int i = 1; i <= params; i++) {
		const char *name = sqlite3_bind_parameter_name(st->stmt, i);
		const struct db_named *v = NULL;
		for (int k = 0; name && k < n && v == NULL; k++)
			if (strcmp(vals[k].name, name) == 0)
				v = &vals[k];
		if (v == NULL)
			die("db: no value for parameter %s\n%s", name ? name : "?", sql);
		int rc = v->text ? sqlite3_bind_text(st->stmt, i, v->text, -1, SQLITE_TRANSIENT)
				 : sqlite3_bind_int64(st->stmt, i, v->integer);
		if (rc != SQLITE_OK)
			die("sqlite: bind %s failed: %s", name, sqlite3_errstr(rc));
	}
	return st;
}

bool db_next(struct db_stmt *st)
{
	st->active = true;
	int rc = sqlite3_step(st->stmt);
	if (rc == SQLITE_ROW)
		return true;
	if (rc != SQLITE_DONE)
		fail(st->db, "step");
	sqlite3_reset(st->stmt);
	st->active = false;
	return false;
}

void db_done(struct db_stmt *st)
{
	if (st->active)
		sqlite3_reset(st->stmt);
	st->active = false;
}

int db_col_int(struct db_stmt *st, int col)
{
	return sqlite3_column_int(st->stmt, col);
}

int64_t db_col_int64(struct db_stmt *st, int col)
{
	return sqlite3_column_int64(st->stmt, col);
}

double db_col_double(struct db_stmt *st, int col)
{
	return sqlite3_column_double(st->stmt, col);
}

bool db_col_null(struct db_stmt *st, int col)
{
	return sqlite3_column_type(st->stmt, col) == SQLITE_NULL;
}

const char *db_col_text(struct db_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st->stmt, col);
}

const void *db_col_blob(struct db_stmt *st, int col, int *len)
{
	const void *p = sqlite3_column_blob(st->stmt, col);
	*len = sqlite3_column_bytes(st->stmt, col);
	return p;
}

static enum db_rc classify(struct db *db, int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return DB_OK;
	case SQLITE_CONSTRAINT:
		return DB_CONSTRAINT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		log_error("sqlite: busy: %s", sqlite3_errmsg(db->h));
		return DB_BUSY;
	default:
		fail(db, "exec");
		return DB_ERROR;
	}
}

enum db_rc db_exec(struct db *db, const char *sql, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct db_stmt *st = vquery(db, sql, fmt, ap);
	va_end(ap);
	int rc = sqlite3_step(st->stmt);
	sqlite3_reset(st->stmt);
	return classify(db, rc);
}

int64_t db_int(struct db *db, int64_t fallback, const char *sql, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct db_stmt *st = vquery(db, sql, fmt, ap);
	va_end(ap);
	int64_t v = fallback;
	if (db_next(st) && !db_col_null(st, 0))
		v = db_col_int64(st, 0);
	db_done(st);
	return v;
}

int64_t db_last_id(struct db *db)
{
	return sqlite3_last_insert_rowid(db->h);
}

int db_changes(struct db *db)
{
	return sqlite3_changes(db->h);
}

static void release(struct db *db)
{
	if (db->writing) {
		db->writing = false;
		thread_writes = false;
		pthread_mutex_unlock(&write_lock);
	}
}

enum db_rc db_begin(struct db *db)
{
	/* A second begin on the same connection is a bug; SQLite refuses it below, without a deadlock here. */
	if (!db->writing && !thread_writes) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += BUSY_TIMEOUT_MS / 1000;
		if (pthread_mutex_timedlock(&write_lock, &until) != 0) {
			log_error("sqlite: busy: another writer held the lock for %d ms", BUSY_TIMEOUT_MS);
			return DB_BUSY;
		}
		db->writing = thread_writes = true;
	}
	enum db_rc rc = classify(db, sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, NULL));
	if (rc != DB_OK && sqlite3_get_autocommit(db->h))
		release(db);
	return rc;
}

enum db_rc db_commit(struct db *db)
{
	enum db_rc rc = classify(db, sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL));
	if (rc != DB_OK)
		db_rollback(db);
	release(db);
	return rc;
}

void db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	release(db);
}

bool db_request_end(struct db *db)
{
	for (int i = 0; i < STMT_SLOTS; i++)
		if (db->slots[i].active)
			db_done(&db->slots[i]);
	if (!sqlite3_get_autocommit(db->h) || db->writing) {
		log_error("sqlite: a request left a transaction open; rolled back");
		db_rollback(db);
		db->failed = true;
	}
	bool failed = db->failed;
	db->failed = false;
	return failed;
}

void db_fail(struct db *db)
{
	db->failed = true;
}

void db_cache_kib(struct db *db, int kib)
{
	char pragma[48];
	snprintf(pragma, sizeof pragma, "PRAGMA cache_size=-%d", kib);
	db_exec_script(db, pragma);
}

int db_bulk_load(struct db *db, bool on)
{
	return db_exec_script(db, on ? "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;"
				     : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-2000;");
}

int db_exec_script(struct db *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db->h, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_error("sqlite: %s", err ? err : sqlite3_errmsg(db->h));
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

static int user_version(struct db *db)
{
	sqlite3_stmt *st;
	int v = -1;
	if (sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	return v;
}

bool db_is_current(struct db *db)
{
	return user_version(db) == migrations[migrations_count - 1].version;
}

int db_migrate(struct db *db)
{
	int have = user_version(db);
	for (int i = 0; i < migrations_count; i++) {
		const struct migration *m = &migrations[i];
		if (m->version <= have)
			continue;
		/* Each migration and its version bump commit together, or not at all. */
		char *script = xasprintf("BEGIN IMMEDIATE;\n%s\nPRAGMA user_version=%d;\nCOMMIT;", m->sql, m->version);
		int rc = db_exec_script(db, script);
		free(script);
		if (rc != 0) {
			db_rollback(db);
			log_error("migration %03d_%s failed", m->version, m->name);
			return -1;
		}
		log_info("applied migration %03d_%s", m->version, m->name);
	}
	return 0;
}

int db_backup(struct db *db, const char *path)
{
	sqlite3 *dst;
	if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		log_error("backup: cannot open %s: %s", path, sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return -1;
	}
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", db->h, "main");
	int rc = SQLITE_ERROR;
	if (b) {
		/* Copy in steps so writers are only paused briefly; restarts if they change the source. */
		do {
			rc = sqlite3_backup_step(b, 256);
			if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
				sqlite3_sleep(20);
		} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
		sqlite3_backup_finish(b);
	}
	if (rc != SQLITE_DONE)
		log_error("backup: %s", sqlite3_errmsg(dst));
	sqlite3_close(dst);
	return rc == SQLITE_DONE ? 0 : -1;
}
