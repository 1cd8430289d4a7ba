/* db.h — the only door to the database: open, migrate, cached prepared statements, transactions.
 *
 * Two engines behind one API: SQLite (a file path, the default) and PostgreSQL (a connection URI,
 * postgresql://... or postgres://..., given to libpq as it is: several hosts and
 * target_session_attrs=read-write included). db_open picks the engine from the name.
 *
 * SQL lives as string literals in each feature's own file; db_query() prepares a literal once per
 * connection (cached by its address) and binds values from a format string:
 *   s text (NULL binds NULL)   i int   I int64_t   d double   n NULL (no argument)
 * Reads that fail mark the connection failed; the dispatcher turns that into a clean 500.
 *
 * A statement is written once, in SQLite's dialect, for both engines. On PostgreSQL, db_pg.c numbers
 * its parameters ($n for ?, ?NNN, :name), app/sql/pg/compat.sql defines the SQLite functions queries
 * use (date(t, 'unixepoch', 'localtime'), scalar max and min, a number times a comparison, group_concat ...),
 * and an INSERT of VALUES returns its row's id for db_last_id. Keep to SQL both engines take: ON CONFLICT
 * rather than INSERT OR IGNORE/REPLACE, IS DISTINCT FROM rather than IS NOT between values, every
 * subquery in FROM named, every selected column grouped or aggregated, lower() rather than COLLATE
 * NOCASE, and a comparison only where a boolean goes (count it with count(*) FILTER (WHERE ...), not
 * sum(); * of one works; a CASE's arms must be of one type). Where a statement truly differs, db_sql()
 * picks its text for the engine, so the difference stays in one place.
 *
 * Guarantees are the same on both. SQLite's BEGIN IMMEDIATE lets one writer in at a time; on
 * PostgreSQL db_begin takes one advisory lock that every writer, of every process and host, takes
 * (pg_advisory_xact_lock), so check-then-write code (capacity, the waiting list, one live booking,
 * imports) needs no locking of its own on either engine; a write outside a transaction takes it too.
 * Group commit works as on SQLite (one COMMIT for the transactions that finish together), with
 * synchronous_commit on. Snapshot reads are REPEATABLE READ READ ONLY; the background duty is held
 * with a session advisory lock (db_hold_duty). */
#ifndef LANTERN_DB_H
#define LANTERN_DB_H

#include <stdbool.h>
#include <stdint.h>

struct db;
struct db_stmt;

enum db_rc {
	DB_OK = 0,
	DB_CONSTRAINT, /* a UNIQUE, CHECK or foreign-key rule refused the write */
	DB_BUSY,       /* another writer held the lock past the busy timeout */
	DB_ERROR,
};

/* Opens (creating if asked) with WAL, synchronous=FULL, foreign keys and a busy handler (short sleeps
 * for up to 5 s while another process holds the lock). A PostgreSQL URI connects instead (the database
 * must exist; create does not apply), with lock waits bounded at 5 s likewise.
 * Returns NULL and logs on failure. */
struct db *db_open(const char *path, bool create);
/* True when path names a PostgreSQL database (a postgresql:// or postgres:// URI). */
bool db_is_postgres(const char *path);
/* path for messages: a copy (caller frees) with any password in a URI hidden. */
char *db_shown_name(const char *path);
/* The SQL for db's engine: sqlite's, or pg's on PostgreSQL. Both are literals, each prepared and
 * cached on its own, so a statement whose dialects differ is written once per engine, side by side. */
const char *db_sql(const struct db *db, const char *sqlite, const char *pg);
/* Sends db's writes (its transactions, and db_exec writes outside one) through writer, a connection
 * the process's threads share: writers then queue on a mutex instead of SQLite's sleeping busy
 * handler, and transactions that finish while others wait are committed together, with one sync
 * (group commit; db_commit still returns only once the work is durable). Close writer last. */
void db_share_writer(struct db *db, struct db *writer);
/* Makes writer take turns with the writers of other processes that name the same file (created 0600
 * if need be): a group does not begin right after this writer's last one while another waits. */
void db_take_turns(struct db *writer, const char *path);
/* Moves writer's WAL checkpoints to a thread of their own, with its own connection to path: a commit
 * that fills the WAL past SQLite's threshold wakes it instead of copying the WAL into the database
 * itself while the other writers wait. Stopped by db_close(writer). */
void db_checkpoint_apart(struct db *writer, const char *path);
/* The shared writer's COMMITs write the WAL without syncing it, and the committing thread syncs it
 * after handing the writer to the next group; db_commit still returns only once its group is durable. */
void db_sync_apart(struct db *writer, const char *path);
/* Tests: sync the WAL with this function instead of fdatasync (NULL: fdatasync again). */
void db_test_wal_sync(int (*sync)(int fd));
void db_close(struct db *db);

/* Applies numbered migrations (user_version; on PostgreSQL app/sql/pg's, after compat.sql, with the
 * version in table schema_version, each step under the write lock); returns 0 or -1. */
int db_migrate(struct db *db);
/* True when the schema is at the version this binary expects. */
bool db_is_current(struct db *db);

/* Resets, clears and binds a cached statement. A bad SQL literal or bind format is a bug: logged, the
 * statement yields no rows (db_exec answers DB_ERROR) and the request fails with a 500, never the
 * process. */
struct db_stmt *db_query(struct db *db, const char *sql, const char *fmt, ...);
/* A value for a named parameter (":area"); statements may use any subset of a set of names. */
struct db_named {
	const char *name; /* with its prefix, e.g. ":from" */
	const char *text; /* bound as text when not NULL, else integer is bound */
	int64_t integer;
};
/* Like db_query, binding by name: every parameter the statement uses must be among vals. */
struct db_stmt *db_query_named(struct db *db, const char *sql, const struct db_named *vals, int n);

/* Steps; true while there is a row. Errors log, mark the connection failed and end the loop. */
bool db_next(struct db_stmt *st);
/* Releases the statement's read snapshot; safe to call twice. */
void db_done(struct db_stmt *st);

int db_col_int(struct db_stmt *st, int col);
int64_t db_col_int64(struct db_stmt *st, int col);
double db_col_double(struct db_stmt *st, int col);
bool db_col_null(struct db_stmt *st, int col);
/* Valid until the next db_next/db_done on st; NULL for SQL NULL. */
const char *db_col_text(struct db_stmt *st, int col);
const void *db_col_blob(struct db_stmt *st, int col, int *len);

/* How many statements this thread has run so far (db_query, db_query_named, db_exec, db_int): on
 * PostgreSQL each is a round trip, so tests pin how many a page takes. */
int64_t db_statements_run(void);

/* Runs a statement that returns no rows. */
enum db_rc db_exec(struct db *db, const char *sql, const char *fmt, ...);
/* A write outside a transaction whose failure (logged as any) the request does not answer for: a
 * "last used" time, which must not turn a request whose own work was done into a 500. On PostgreSQL
 * it can fail for another's reason: its group may carry a failure from a member before it. */
void db_exec_aside(struct db *db, const char *sql, const char *fmt, ...);
/* The same write, made later: inside the request's own transaction if one begins (one commit for
 * both, and on PostgreSQL no round trip of its own in the writer), else at db_request_end; on its own
 * if that transaction does not commit. sql takes a time, then a text key (a hash, under 160 bytes). */
void db_exec_aside_soon(struct db *db, const char *sql, int64_t at, const char *key);
/* A write inside the caller's transaction whose result the caller does not read (an audit entry, a
 * queued e-mail): on PostgreSQL it goes with the transaction's next statement, in one round trip, and
 * should it fail the transaction does not commit (db_commit fails); on SQLite, and outside a
 * transaction, it is db_exec. */
enum db_rc db_exec_along(struct db *db, const char *sql, const char *fmt, ...);
/* First column of the first row as an integer, or fallback when there is no row. */
int64_t db_int(struct db *db, int64_t fallback, const char *sql, const char *fmt, ...);
int64_t db_last_id(struct db *db);
int db_changes(struct db *db);

/* Takes the write lock now (BEGIN IMMEDIATE, or a savepoint in the writer's open group), so
 * check-then-write cannot race. */
enum db_rc db_begin(struct db *db);
/* Returns once the transaction's work is durable (or failed: then it is not there). */
enum db_rc db_commit(struct db *db);
/* Undoes this transaction's work only. */
void db_rollback(struct db *db);

/* A read transaction on this connection for a handler that only reads (ROUTE_SNAPSHOT): every
 * query until db_snapshot_end sees one state of the database, and SQLite takes its WAL read lock
 * once rather than once per statement (a dashboard runs hundreds). Writes still go through the
 * writer, so this must not be used where the connection is its own writer (the command line). */
void db_snapshot_begin(struct db *db);
void db_snapshot_end(struct db *db);

/* End of request: resets every statement, rolls back a transaction left open (a bug, logged),
 * and returns whether any statement failed since the last call. */
bool db_request_end(struct db *db);
/* Marks the connection failed (a handler saw an unexpected result). */
void db_fail(struct db *db);
/* Whether a statement failed since the last db_request_end (a row not found is not a failure). */
bool db_failed(const struct db *db);

/* True while db holds the background duty, taking it if nobody does: on SQLite an flock on the file
 * path-lock, which the kernel drops when the process dies; on PostgreSQL a session advisory lock,
 * dropped when the connection ends, so exactly one process of all hosts has it. */
bool db_hold_duty(struct db *db, const char *path);

/* Online, consistent copy to path using SQLite's backup API; 0 or -1 (on PostgreSQL always -1: its
 * own tools back it up). */
int db_backup(struct db *db, const char *path);

/* Sets the connection's page cache to kib KiB (SQLite's default is 2,000): for a connection that
 * writes much, like the scan writer, so its index pages stay in memory between batches. */
void db_cache_kib(struct db *db, int kib);

/* For generating bulk data only (bench-data): on, the database runs without a journal or syncs and
 * with a large cache, so a crash mid-load leaves it unusable; off restores WAL and synchronous=FULL.
 * 0 or -1. */
int db_bulk_load(struct db *db, bool on);

/* Runs raw SQL from a trusted migration or test file (no binding); 0 or -1. */
int db_exec_script(struct db *db, const char *sql);

/* Copying a whole database (lantern copy-to: copy_to.c). */
/* The schema version (SQLite's user_version, PostgreSQL's schema_version; 0 for an empty database, -1
 * when it cannot be read). */
int db_schema_version(struct db *db);
/* A statement made at run time from names the database itself gave (its tables and columns, each
 * quoted), which no literal can hold: not cached, stepped with db_next, freed with db_stmt_free. NULL
 * (logged) when it does not prepare. */
struct db_stmt *db_prepare_built(struct db *db, const char *sql);
void db_stmt_free(struct db_stmt *st);
/* Bulk load into table (columns: its quoted, comma-separated column names) inside db's transaction:
 * PostgreSQL's COPY, a row at a time as text (NULL for SQL NULL), sent in large chunks. db_load_end
 * ends it (complete false: abandoned, when the rows cannot all be read); a row the database refuses
 * fails db_load_end (or an earlier db_load_row), and the transaction with it. On SQLite, DB_ERROR: it
 * has no COPY, and lantern only ever copies into PostgreSQL. */
enum db_rc db_load_begin(struct db *db, const char *table, const char *columns);
enum db_rc db_load_row(struct db *db, const char *const *values, int n);
enum db_rc db_load_end(struct db *db, bool complete);

#endif
