/* db_pg.h — the PostgreSQL engine behind db.h. Only app/db.c includes this; every libpq call is in
 * app/db_pg.c, as every sqlite3 call is in app/db.c.
 *
 * A statement is SQLite's text (db.h) rewritten at prepare: its parameters numbered $n
 * (sql_placeholders.h), and an INSERT into a table with an identity id given RETURNING id, which
 * stands in for sqlite3_last_insert_rowid. Values go as text; results come back whole, as text. */
#ifndef LANTERN_DB_PG_H
#define LANTERN_DB_PG_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "migrations.h"

struct pg;
struct pg_stmt;

/* True for a PostgreSQL connection URI (postgresql:// or postgres://). */
bool pg_is_conninfo(const char *s);
/* A copy of conninfo with any password replaced by "***", for messages; caller frees. */
char *pg_redacted(const char *conninfo);

/* Connects (libpq: several hosts and target_session_attrs pass straight through) and sets the session
 * up: the process's time zone, synchronous_commit on, lock_timeout of timeout_ms. NULL, logged, on
 * failure. */
struct pg *pg_connect(const char *conninfo, int timeout_ms);
void pg_disconnect(struct pg *c);

/* Runs SQL without parameters (several statements allowed); failures are logged. */
enum db_rc pg_run(struct pg *c, const char *sql);
/* Runs one command whose answer nobody waits for (SAVEPOINT, RELEASE; a string literal) with the next
 * statement, in the same round trip: its failure is that statement's. */
void pg_run_later(struct pg *c, const char *sql);
/* After DDL: the tables whose INSERTs return an id are read again when next needed. */
void pg_schema_changed(struct pg *c);
/* True for SQL that cannot write (a SELECT). */
bool pg_sql_readonly(const char *sql);
/* Begins a transaction holding the write lock (one writer at a time, across processes and hosts, as
 * SQLite's BEGIN IMMEDIATE); on failure nothing is left open. */
enum db_rc pg_begin_write(struct pg *c);
/* Begins a read-only transaction that sees one snapshot throughout: its BEGIN goes with its first
 * statement, and a snapshot that runs none costs no round trip. */
enum db_rc pg_begin_snapshot(struct pg *c);
/* Takes the background duty's lock for as long as this connection lives, if nobody holds it: true
 * while this connection has it. */
bool pg_hold_duty(struct pg *c);
/* True inside a transaction, one whose connection was lost included: until its COMMIT (which then
 * fails: its outcome is unknown) or ROLLBACK, no other statement runs, so none runs on a new connection
 * outside the transaction it belongs to. */
bool pg_in_transaction(struct pg *c);
/* The id of the last row inserted through this connection into a table with one; its count of rows
 * the last statement changed. */
int64_t pg_last_id(struct pg *c);
int pg_changes(struct pg *c);
/* The schema version (0 for an empty database, -1 when it cannot be read). */
int pg_schema_version(struct pg *c);
/* Runs compat (idempotent) and then the migrations beyond the schema's version, each in one
 * transaction under the write lock with its version. 0 or -1 (logged). */
int pg_migrate(struct pg *c, const char *compat, const struct migration *m, int n);

/* Prepares sql; fmt is its first use's bind format (db.h), which types its parameters (integers as
 * bigint, reals as double; text and NULL as whatever the statement needs), or NULL to leave every
 * type to the statement. NULL, logged, when it does not prepare. */
struct pg_stmt *pg_prepare(struct pg *c, const char *sql, const char *fmt);
void pg_stmt_free(struct pg_stmt *st);
int pg_param_count(const struct pg_stmt *st);
/* The name of parameter i (1-based), like ":area", or NULL for a positional one. */
const char *pg_param_name(const struct pg_stmt *st, int i);

/* Forgets the values and the result. */
void pg_clear(struct pg_stmt *st);
void pg_bind_text(struct pg_stmt *st, int i, const char *v);
void pg_bind_int64(struct pg_stmt *st, int i, int64_t v);
void pg_bind_double(struct pg_stmt *st, int i, double v);
void pg_bind_null(struct pg_stmt *st, int i);
/* Runs the statement with its values; the rows are then read with pg_row. Failures are logged. */
enum db_rc pg_execute(struct pg_stmt *st);
/* Keeps the statement with a copy of its values, to go with the next statement in one round trip; its
 * result is never read, and its failure dooms the transaction it is in (pg_run's COMMIT fails). Call
 * inside a transaction only. */
enum db_rc pg_execute_later(struct pg_stmt *st);
/* Moves to the next row of the result: false when there is none. */
bool pg_row(struct pg_stmt *st);

const char *pg_col_text(struct pg_stmt *st, int col); /* NULL for SQL NULL */
bool pg_col_null(struct pg_stmt *st, int col);
int64_t pg_col_int64(struct pg_stmt *st, int col); /* true and false are 1 and 0, as in SQLite */
double pg_col_double(struct pg_stmt *st, int col);
int pg_col_bytes(struct pg_stmt *st, int col);

/* COPY table (columns) FROM STDIN in the text format, inside the caller's transaction: pg_copy_row
 * buffers each row (NULL values are SQL NULL) and sends a chunk at a time; pg_copy_end sends the rest
 * (or, not complete, abandons the COPY) and returns what the server made of the whole (a refused row
 * fails it, logged with the table, line and column but never the value). */
enum db_rc pg_copy_begin(struct pg *c, const char *table, const char *columns);
enum db_rc pg_copy_row(struct pg *c, const char *const *values, int n);
enum db_rc pg_copy_end(struct pg *c, bool complete);

#endif
