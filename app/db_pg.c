/* db_pg.c — the PostgreSQL engine behind db.h (db_pg.h): the only file that calls libpq. */
#include "db_pg.h"

#include <ctype.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sql_placeholders.h"
#include "util.h"

/* lantern's advisory locks, each a pair (0x6c616e74, "lant" in ASCII; what it guards). */
#define LOCK_WRITE "1818324596, 1"
#define LOCK_DUTY "1818324596, 2"

enum {
	/* Parameter types (pg_type.h, which the client headers do not carry). */
	OID_UNKNOWN = 0,
	OID_INT8 = 20,
	OID_TEXT = 25,
	OID_FLOAT8 = 701,
	CONNECT_TIMEOUT_S = 5,
	COPY_CHUNK = 256 * 1024, /* bytes of COPY rows sent at a time */
	PENDING_MAX = 16,
};

static const char SQL_BEGIN_SNAPSHOT[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

/* A command waiting: a string literal, or a prepared statement with a copy of its values. */
struct pending {
	const char *sql;
	struct pg_stmt *st;
	char **values; /* st->count of them, malloc'd (NULL: SQL NULL) */
};

struct pg {
	PGconn *conn;
	int generation; /* counts connections made: a statement prepared on an older one prepares again */
	int next_name;  /* statements are named s1, s2 ... on a connection */
	int timeout_ms;
	int64_t last_id;
	int changes;
	char *id_tables; /* ",t1,t2,": the tables with an identity id, read when first needed */
	int duty_generation; /* the connection that holds the duty lock, or 0 */
	struct buf copy;     /* rows of a COPY not sent yet (pg_copy_row) */
	bool duty_lost; /* the lock went with a lost connection: statements wait for pg_hold_duty */
	bool txn;       /* a transaction was open before the last statement (connected) */
	/* Commands whose answer nobody waits for (a snapshot's BEGIN, SAVEPOINT, RELEASE, and writes sent
	 * along: pg_execute_later), not sent yet: they go with the next statement in one round trip
	 * (libpq's pipeline mode), and a snapshot that ran nothing never sends its BEGIN. */
	struct pending pending[PENDING_MAX];
	int npending;
	/* One of them failed inside a transaction: whoever sent it was told all was well (a member of a
	 * group whose RELEASE failed), so the transaction must not commit. */
	bool doomed;
	/* A pipeline did not come back whole: the connection cannot be trusted, whatever libpq says yet
	 * (a backend ended by the server sends its FATAL before libpq sees the socket close). */
	bool broken;
};

/* The connection is gone, or as good as gone. */
static bool lost(const struct pg *c)
{
	return c->broken || PQstatus(c->conn) != CONNECTION_OK;
}

struct pg_stmt {
	struct pg *c;
	int generation;
	char name[16];
	char *sql; /* as sent: $n parameters, RETURNING id when returns_id */
	int count;
	char **names;
	Oid *types;
	const char **values; /* count: what is sent, pointing into nums or owned (NULL: SQL NULL) */
	char (*nums)[32];
	char **owned;
	bool readonly;
	bool returns_id; /* RETURNING id was added for pg_last_id: its rows are not the caller's */
	PGresult *res;
	int row, rows;
};

bool pg_is_conninfo(const char *s)
{
	return strncmp(s, "postgresql://", 13) == 0 || strncmp(s, "postgres://", 11) == 0;
}

char *pg_redacted(const char *conninfo)
{
	struct buf b = {0};
	const char *s = conninfo, *hosts = strstr(s, "://");
	if (hosts) {
		hosts += 3;
		size_t authority = strcspn(hosts, "/?");
		const char *at = memchr(hosts, '@', authority);
		const char *colon = at ? memchr(hosts, ':', (size_t)(at - hosts)) : NULL;
		if (colon) {
			buf_append(&b, s, (size_t)(colon + 1 - s));
			buf_puts(&b, "***");
			s = at;
		}
	}
	for (const char *p; (p = strstr(s, "password=")) != NULL; s = p + 9 + strcspn(p + 9, "&")) {
		buf_append(&b, s, (size_t)(p + 9 - s));
		buf_puts(&b, "***");
	}
	buf_puts(&b, s);
	return buf_take(&b);
}

/* The length of msg's first line, cut before any quoted value (a value may be personal data). */
static int shown_length(const char *msg)
{
	size_t len = strcspn(msg, "\n");
	const char *value = strstr(msg, ": \"");
	if (value && (size_t)(value - msg) < len)
		len = (size_t)(value - msg);
	return (int)len;
}

/* The first line of the server's message, cut before any quoted value, with its SQLSTATE. */
static void log_failure(const char *what, const PGresult *r, PGconn *conn)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (msg == NULL)
		msg = PQerrorMessage(conn);
	log_error("postgresql: %s: %.*s (%s)", what, shown_length(msg), msg, state ? state : "no SQLSTATE");
}

static enum db_rc classify(const PGresult *r)
{
	ExecStatusType s = PQresultStatus(r);
	if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK)
		return DB_OK;
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	if (state == NULL)
		return DB_ERROR;
	if (strncmp(state, "23", 2) == 0)
		return DB_CONSTRAINT;
	/* lock_not_available (lock_timeout), serialization_failure, deadlock_detected */
	if (strcmp(state, "55P03") == 0 || strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
		return DB_BUSY;
	return DB_ERROR;
}

/* Settings every connection has, whatever the server's defaults: the process's time zone (SQLite's
 * 'localtime' is the process's, and the triggers' months must be the same), commits durable before
 * they are acknowledged, lock waits bounded like SQLite's busy timeout, and one plan per prepared
 * statement. The statements are written for SQLite, which plans a statement once whatever its
 * parameters ("? IS NULL OR ..." filters, an index to walk in order); left to choose, PostgreSQL plans
 * such a statement afresh on every run, and the session list's planning cost twice its execution. */
static int set_up(struct pg *c)
{
	char timeout[24];
	snprintf(timeout, sizeof timeout, "%dms", c->timeout_ms);
	const char *tz = getenv("TZ");
	const char *values[] = {tz && *tz && *tz != ':' ? tz : NULL, timeout};
	PGresult *r = PQexecParams(c->conn,
				   "SELECT set_config('TimeZone', coalesce($1, current_setting('TimeZone')), false),"
				   " set_config('synchronous_commit', 'on', false), set_config('lock_timeout', $2, false),"
				   " set_config('client_min_messages', 'warning', false),"
				   " set_config('plan_cache_mode', 'force_generic_plan', false)",
				   2, NULL, values, NULL, NULL, 0);
	int rc = PQresultStatus(r) == PGRES_TUPLES_OK ? 0 : -1;
	if (rc != 0)
		log_failure("cannot set the session up", r, c->conn);
	PQclear(r);
	return rc;
}

struct pg *pg_connect(const char *conninfo, int timeout_ms)
{
	/* lantern's defaults first: what the connection string says overrides them. The process id in the
	 * application name says which process a server connection (pg_stat_activity) serves. TCP
	 * keepalives and a bound on unacknowledged data notice a server whose machine died without a word
	 * (no reset comes then) in about 25 s rather than the kernel's 2 hours or 15 minutes, so the
	 * connection is made again, to the standby promoted since (README: Failover). */
	char seconds[16], name[32];
	snprintf(seconds, sizeof seconds, "%d", CONNECT_TIMEOUT_S);
	snprintf(name, sizeof name, "lantern %ld", (long)getpid());
	const char *keys[] = {"connect_timeout", "application_name", "client_encoding", "keepalives_idle",
			      "keepalives_interval", "keepalives_count", "tcp_user_timeout", "dbname", NULL};
	const char *values[] = {seconds, name, "UTF8", "10", "5", "3", "25000", conninfo, NULL};
	struct pg *c = xcalloc(1, sizeof *c);
	c->timeout_ms = timeout_ms;
	c->conn = PQconnectdbParams(keys, values, 1);
	if (PQstatus(c->conn) != CONNECTION_OK || set_up(c) != 0) {
		char *shown = pg_redacted(conninfo);
		log_error("cannot connect to %s: %.*s", shown, (int)strcspn(PQerrorMessage(c->conn), "\n"),
			  PQerrorMessage(c->conn));
		free(shown);
		pg_disconnect(c);
		return NULL;
	}
	c->generation = 1;
	return c;
}

static void drop_pending(struct pg *c);

void pg_disconnect(struct pg *c)
{
	if (c == NULL)
		return;
	PQfinish(c->conn);
	drop_pending(c);
	free(c->id_tables);
	buf_free(&c->copy);
	free(c);
}

/* A lost connection is made again before the next statement (libpq tries every host of the string
 * again, so a standby promoted since is found); what the old one had open is gone. The duty's lock
 * is gone with it: the duty holder's statements fail until it asks for the lock again (pg_hold_duty),
 * so a round of duties never goes on without it while another host may have taken it. */
static bool server_in_transaction(struct pg *c);
static enum db_rc flush_pending(struct pg *c);

static void free_values(struct pending *p)
{
	for (int i = 0; p->values && i < p->st->count; i++)
		free(p->values[i]);
	free(p->values);
	p->values = NULL;
}

/* Forgets the commands waiting (answered, or lost with their connection). */
static void drop_pending(struct pg *c)
{
	for (int i = 0; i < c->npending; i++)
		free_values(&c->pending[i]);
	c->npending = 0;
}

/* Nothing of a snapshot ran: its BEGIN was never sent. */
static bool snapshot_unsent(const struct pg *c)
{
	return c->npending == 1 && c->pending[0].sql == SQL_BEGIN_SNAPSHOT;
}

static bool reachable(struct pg *c)
{
	if (c->duty_lost)
		return false;
	if (!lost(c)) {
		c->txn = server_in_transaction(c);
		return true;
	}
	/* Lost inside a transaction: the rest of it must not run on a new connection, each statement
	 * committed alone; its COMMIT or ROLLBACK comes first (pg_run). */
	if (c->txn)
		return false;
	/* Only a snapshot's BEGIN can wait outside a transaction: it goes on the new connection. */
	if (!snapshot_unsent(c))
		drop_pending(c);
	c->doomed = false;
	c->broken = false;
	PQreset(c->conn);
	if (PQstatus(c->conn) != CONNECTION_OK || set_up(c) != 0) {
		log_failure("the connection is lost and cannot be made again", NULL, c->conn);
		return false;
	}
	c->generation++;
	free(c->id_tables);
	c->id_tables = NULL;
	log_info("postgresql: connected again");
	if (c->duty_generation != 0) {
		c->duty_generation = 0;
		c->duty_lost = true;
		log_info("postgresql: the duty lock went with the old connection");
		return false;
	}
	return true;
}

/* Reachable, with every command still waiting sent: for everything but a statement, which takes them
 * along (pg_execute, pg_run). */
static bool connected(struct pg *c)
{
	return reachable(c) && flush_pending(c) == DB_OK;
}

/* Waits for the next result of a pipeline; NULL at the end of a query's results. */
static PGresult *next_result(struct pg *c)
{
	return PQgetResult(c->conn);
}

/* A command sent along failed: it is logged, the transaction it was in is doomed, and the statement
 * that carried it fails as an error of its own (never as its constraint or lock, which it was not). */
static PGresult *failed_along(struct pg *c, PGresult *r)
{
	log_failure("a command sent with the next statement", r, c->conn);
	PQclear(r);
	if (server_in_transaction(c))
		c->doomed = true;
	return PQmakeEmptyPGresult(c->conn, PGRES_FATAL_ERROR);
}

static bool send(struct pg *c, const struct pending *q)
{
	if (q->st == NULL)
		return PQsendQueryParams(c->conn, q->sql, 0, NULL, NULL, NULL, NULL, 0) == 1;
	const char *const *values = q->values ? (const char *const *)q->values : q->st->values;
	return PQsendQueryPrepared(c->conn, q->st->name, q->st->count, values, NULL, NULL, 0) == 1;
}

/* Sends the commands waiting and then the caller's statement (a prepared one with its values, or one
 * command) in one round trip, and returns the first failure among them, else the statement's result.
 * The commands waiting are sent whatever comes of it, unless the connection was lost. */
static PGresult *pipelined(struct pg *c, const struct pending *last)
{
	int queries = c->npending + 1;
	bool sent = PQenterPipelineMode(c->conn) == 1;
	for (int i = 0; sent && i < c->npending; i++)
		sent = send(c, &c->pending[i]);
	sent = sent && send(c, last) && PQpipelineSync(c->conn) == 1;
	PGresult *answer = NULL; /* the first failure, else the last query's result */
	bool along = false;      /* the first failure was a command's sent along */
	for (int q = 0; sent && q < queries; q++) {
		PGresult *r = next_result(c);
		if (r == NULL) {
			sent = false; /* the connection went */
			break;
		}
		bool failed = classify(r) != DB_OK;
		if ((q == queries - 1 || failed) && (answer == NULL || classify(answer) == DB_OK)) {
			PQclear(answer);
			answer = r;
			along = failed && q < queries - 1;
		} else {
			PQclear(r);
		}
		while ((r = next_result(c)) != NULL) /* a query's results end with NULL */
			PQclear(r);
	}
	if (sent) {
		PGresult *sync = next_result(c);
		if (PQresultStatus(sync) != PGRES_PIPELINE_SYNC)
			sent = false;
		PQclear(sync);
	}
	PQexitPipelineMode(c->conn);
	/* The commands waiting were answered, each one, only if the pipeline's end came back; else they
	 * still wait, and reachable() sends a snapshot's BEGIN again on a new connection. */
	if (sent)
		drop_pending(c);
	else
		c->broken = true;
	if (along)
		return failed_along(c, answer);
	return answer ? answer : PQmakeEmptyPGresult(c->conn, PGRES_FATAL_ERROR);
}

/* Sends the commands waiting, alone (before a statement that cannot take them along). */
static enum db_rc flush_pending(struct pg *c)
{
	if (c->npending == 0)
		return DB_OK;
	struct pending last = c->pending[--c->npending];
	PGresult *r = pipelined(c, &last);
	/* Lost with the connection, they all still wait, as pipelined keeps the others: reachable decides
	 * what goes on a new one (a snapshot's BEGIN does). */
	if (lost(c))
		c->npending++;
	else
		free_values(&last);
	enum db_rc rc = classify(r);
	if (rc != DB_OK)
		PQclear(failed_along(c, r));
	else
		PQclear(r);
	return rc;
}

/* Keeps a command whose answer nobody waits for until the next statement (sql: a string literal). */
static void run_later(struct pg *c, const char *sql)
{
	if (c->npending == PENDING_MAX)
		flush_pending(c);
	if (c->npending == PENDING_MAX)
		return; /* lost inside a transaction: nothing more of it is sent, and its COMMIT fails */
	c->pending[c->npending++] = (struct pending){.sql = sql};
}

enum db_rc pg_run(struct pg *c, const char *sql)
{
	bool ends = strcmp(sql, "COMMIT") == 0 || strcmp(sql, "ROLLBACK") == 0;
	if (ends && snapshot_unsent(c)) {
		drop_pending(c);
		return DB_OK;
	}
	if (lost(c) && c->txn && ends) {
		drop_pending(c);
		c->txn = false; /* the transaction went with the connection: whether it committed is unknown */
		if (strcmp(sql, "COMMIT") != 0)
			return DB_OK;
		log_error("postgresql: the connection was lost inside a transaction: it is not known to have committed");
		return DB_ERROR;
	}
	if (ends && c->doomed) {
		c->doomed = false;
		enum db_rc undone = pg_run(c, "ROLLBACK");
		if (strcmp(sql, "COMMIT") != 0)
			return undone;
		log_error("postgresql: a command sent with a later statement failed: the transaction is rolled back");
		return DB_ERROR;
	}
	/* One command goes with those waiting; several (a script) go alone, after them. */
	bool along = c->npending > 0 && strchr(sql, ';') == NULL;
	if (!(along ? reachable(c) : connected(c)))
		return DB_ERROR;
	PGresult *r = along ? pipelined(c, &(struct pending){.sql = sql}) : PQexec(c->conn, sql);
	enum db_rc rc = classify(r);
	if (rc != DB_OK && rc != DB_CONSTRAINT)
		log_failure("exec", r, c->conn);
	/* COMMIT of a transaction that failed rolls it back, and says so only in its command tag. */
	if (rc == DB_OK && strcmp(sql, "COMMIT") == 0 && strcmp(PQcmdStatus(r), "COMMIT") != 0) {
		log_error("postgresql: COMMIT of a failed transaction rolled it back");
		rc = DB_ERROR;
	}
	PQclear(r);
	return rc;
}

void pg_schema_changed(struct pg *c)
{
	free(c->id_tables);
	c->id_tables = NULL;
}

/* As the server sees it, leaving aside a snapshot's BEGIN not sent yet. */
static bool server_in_transaction(struct pg *c)
{
	if (lost(c))
		return c->txn;
	PGTransactionStatusType s = PQtransactionStatus(c->conn);
	return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

bool pg_in_transaction(struct pg *c)
{
	return snapshot_unsent(c) || server_in_transaction(c);
}

void pg_run_later(struct pg *c, const char *sql)
{
	run_later(c, sql);
}

/* A transaction that cannot begin because the connection was lost just now (a failover) begins again
 * once on a new one: nothing of it was done yet. */
static enum db_rc begin(struct pg *c, const char *sql)
{
	if (lost(c))
		c->txn = false; /* a transaction lost before is over: this one begins on a new connection */
	bool was_up = !lost(c);
	enum db_rc rc = pg_run(c, sql);
	if (rc != DB_OK && was_up && lost(c))
		rc = pg_run(c, sql);
	if (rc != DB_OK && pg_in_transaction(c))
		pg_run(c, "ROLLBACK");
	return rc;
}

enum db_rc pg_begin_write(struct pg *c)
{
	return begin(c, "BEGIN; SELECT pg_advisory_xact_lock(" LOCK_WRITE ")");
}

enum db_rc pg_begin_snapshot(struct pg *c)
{
	/* Sent with the snapshot's first statement, which is sent again on a new connection if the old one
	 * was lost (pg_execute), as begin() would. */
	if (server_in_transaction(c) || c->npending > 0)
		return begin(c, SQL_BEGIN_SNAPSHOT);
	run_later(c, SQL_BEGIN_SNAPSHOT);
	return DB_OK;
}

bool pg_hold_duty(struct pg *c)
{
	c->duty_lost = false; /* its holder asks again */
	bool up = connected(c) || c->duty_lost; /* or connected again just now, without the lock */
	c->duty_lost = false;
	if (!up)
		return false;
	if (c->duty_generation == c->generation)
		return true;
	PGresult *r = PQexec(c->conn, "SELECT pg_try_advisory_lock(" LOCK_DUTY ")");
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0)
		c->duty_generation = c->generation;
	else if (PQresultStatus(r) != PGRES_TUPLES_OK)
		log_failure("duty lock", r, c->conn);
	PQclear(r);
	return c->duty_generation == c->generation;
}

int64_t pg_last_id(struct pg *c)
{
	return c->last_id;
}

int pg_changes(struct pg *c)
{
	return c->changes;
}

static const char SQL_VERSION_TABLE[] =
	"CREATE TABLE IF NOT EXISTS schema_version (version bigint NOT NULL);"
	"INSERT INTO schema_version (version) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM schema_version)";

int pg_schema_version(struct pg *c)
{
	if (!connected(c))
		return -1;
	PGresult *r = PQexec(c->conn, "SELECT version FROM schema_version");
	int v = -1;
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		v = (int)strtol(PQgetvalue(r, 0, 0), NULL, 10);
	else if (state && strcmp(state, "42P01") == 0) /* undefined_table: nothing migrated yet */
		v = 0;
	else
		log_failure("schema version", r, c->conn);
	PQclear(r);
	return v;
}

/* Text sorts as on SQLite (by code point) only under the C collation: a database made with another
 * lists names in another order. Said once, at migration. */
static void check_collation(struct pg *c)
{
	PGresult *r = PQexec(c->conn, "SELECT datcollate FROM pg_database WHERE datname = current_database()");
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		const char *coll = PQgetvalue(r, 0, 0);
		if (strcmp(coll, "C") != 0 && strcmp(coll, "POSIX") != 0 && strncmp(coll, "C.", 2) != 0)
			log_info("postgresql: the database sorts text by %s, not by code point as SQLite does: lists may "
				 "come in another order (create it with LC_COLLATE 'C')",
				 coll);
	}
	PQclear(r);
}

static int set_version(struct pg *c, int version)
{
	char v[16];
	snprintf(v, sizeof v, "%d", version);
	const char *values[] = {v};
	PGresult *r = PQexecParams(c->conn, "UPDATE schema_version SET version = $1", 1, NULL, values, NULL, NULL, 0);
	int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
	if (rc != 0)
		log_failure("schema version", r, c->conn);
	PQclear(r);
	return rc;
}

int pg_migrate(struct pg *c, const char *compat, const struct migration *m, int n)
{
	if (pg_begin_write(c) != DB_OK)
		return -1;
	if (pg_run(c, compat) != DB_OK || pg_run(c, SQL_VERSION_TABLE) != DB_OK || pg_run(c, "COMMIT") != DB_OK) {
		pg_run(c, "ROLLBACK");
		log_error("postgresql: cannot define the SQLite functions or the schema version");
		return -1;
	}
	check_collation(c);
	for (int i = 0; i < n; i++) {
		/* The version is read under the write lock, so hosts migrating at once apply each step once. */
		if (pg_begin_write(c) != DB_OK)
			return -1;
		int have = pg_schema_version(c);
		if (have >= m[i].version) {
			pg_run(c, "COMMIT");
			continue;
		}
		bool ok = have >= 0 && pg_run(c, m[i].sql) == DB_OK && set_version(c, m[i].version) == 0 &&
			  pg_run(c, "COMMIT") == DB_OK;
		if (!ok) {
			if (pg_in_transaction(c))
				pg_run(c, "ROLLBACK");
			log_error("migration %03d_%s failed", m[i].version, m[i].name);
			return -1;
		}
		log_info("applied migration %03d_%s", m[i].version, m[i].name);
	}
	pg_schema_changed(c);
	return 0;
}

/* The first word of sql, upper-cased into out. */
static void first_word(const char *sql, char out[16])
{
	while (isspace((unsigned char)*sql))
		sql++;
	size_t i = 0;
	for (; i < 15 && isalpha((unsigned char)sql[i]); i++)
		out[i] = (char)toupper((unsigned char)sql[i]);
	out[i] = '\0';
}

static bool has_word(const char *sql, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = sql; (p = strcasestr(p, word)) != NULL; p += n)
		if ((p == sql || !isalnum((unsigned char)p[-1])) && !isalnum((unsigned char)p[n]))
			return true;
	return false;
}

bool pg_sql_readonly(const char *sql)
{
	char w[16];
	first_word(sql, w);
	if (strcmp(w, "SELECT") == 0 || strcmp(w, "VALUES") == 0)
		return true;
	return strcmp(w, "WITH") == 0 && !has_word(sql, "INSERT") && !has_word(sql, "UPDATE") && !has_word(sql, "DELETE");
}

/* The tables whose id is an identity column: an INSERT into one returns its id (pg_last_id). */
static const char *id_tables(struct pg *c)
{
	if (c->id_tables)
		return c->id_tables;
	PGresult *r = PQexec(c->conn, "SELECT ',' || coalesce(string_agg(t.relname, ','), '') || ',' FROM pg_attribute a"
				      " JOIN pg_class t ON t.oid = a.attrelid WHERE a.attname = 'id' AND a.attidentity <> ''"
				      " AND t.relnamespace = current_schema()::regnamespace");
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		c->id_tables = xstrdup(PQgetvalue(r, 0, 0));
	else
		log_failure("identity columns", r, c->conn);
	PQclear(r);
	return c->id_tables ? c->id_tables : ",";
}

/* True for an INSERT of VALUES into a table with an identity id, with no RETURNING of its own. (An
 * INSERT ... SELECT may write a million rows: their ids are not fetched.) */
static bool wants_id(struct pg *c, const char *sql)
{
	char w[16];
	first_word(sql, w);
	if (strcmp(w, "INSERT") != 0 || has_word(sql, "RETURNING") || !has_word(sql, "VALUES"))
		return false;
	const char *into = strcasestr(sql, "INTO");
	if (into == NULL)
		return false;
	into += 4;
	while (isspace((unsigned char)*into))
		into++;
	size_t len = 0;
	while (isalnum((unsigned char)into[len]) || into[len] == '_')
		len++;
	if (len == 0 || len > 60)
		return false;
	char key[64];
	snprintf(key, sizeof key, ",%.*s,", (int)len, into);
	return strstr(id_tables(c), key) != NULL;
}

/* Prepares st->sql as st->name with st->types. A failed prepare inside a transaction would end it, so
 * there it runs inside a savepoint. */
static PGresult *prepare_once(struct pg_stmt *st)
{
	struct pg *c = st->c;
	bool guard = server_in_transaction(c);
	if (guard)
		PQclear(PQexec(c->conn, "SAVEPOINT lantern_prepare"));
	PGresult *r = PQprepare(c->conn, st->name, st->sql, st->count, st->types);
	if (guard) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			PQclear(PQexec(c->conn, "ROLLBACK TO SAVEPOINT lantern_prepare"));
		PQclear(PQexec(c->conn, "RELEASE SAVEPOINT lantern_prepare"));
	}
	return r;
}

/* Prepares st on its connection. Integers are sent typed bigint and reals double, so arithmetic on
 * them is done in 64 bits as SQLite does; text is left for the statement to type. Where that leaves a
 * parameter with no type (? IS NULL) it is made text, and where a function wants another integer type
 * (substr) every parameter is left to the statement. */
static int prepare(struct pg_stmt *st)
{
	struct pg *c = st->c;
	snprintf(st->name, sizeof st->name, "s%d", ++c->next_name);
	bool typed = true;
	for (int tries = 0; tries < st->count + 3; tries++) {
		PGresult *r = prepare_once(st);
		if (PQresultStatus(r) == PGRES_COMMAND_OK) {
			PQclear(r);
			st->generation = c->generation;
			return 0;
		}
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
		const char *dollar = msg ? strchr(msg, '$') : NULL;
		long n = dollar ? strtol(dollar + 1, NULL, 10) : 0;
		bool untyped = state && (strcmp(state, "42P18") == 0 || strcmp(state, "42P08") == 0);
		if (untyped && n >= 1 && n <= st->count && st->types[n - 1] != OID_TEXT) {
			st->types[n - 1] = OID_TEXT; /* indeterminate_datatype, ambiguous_parameter */
		} else if (state && typed && (strcmp(state, "42883") == 0 || strcmp(state, "42804") == 0)) {
			typed = false; /* undefined_function, datatype_mismatch */
			for (int i = 0; i < st->count; i++)
				st->types[i] = OID_UNKNOWN;
		} else {
			log_failure("cannot prepare", r, c->conn);
			PQclear(r);
			return -1;
		}
		PQclear(r);
	}
	return -1;
}

/* pg_prepare on a connection that was reachable. */
static struct pg_stmt *prepare_new(struct pg *c, const char *sql, const char *fmt)
{
	struct sql_params p;
	if (sql_params_rewrite(sql, &p) != 0) {
		log_error("postgresql: a parameter number beyond %d", SQL_PARAMS_MAX);
		return NULL;
	}
	struct pg_stmt *st = xcalloc(1, sizeof *st);
	st->c = c;
	st->count = p.count;
	st->names = p.names;
	st->readonly = pg_sql_readonly(sql);
	st->returns_id = wants_id(c, sql);
	st->sql = st->returns_id ? xasprintf("%s RETURNING id", p.sql) : xstrdup(p.sql);
	free(p.sql);
	size_t n = st->count ? (size_t)st->count : 1;
	st->types = xcalloc(n, sizeof *st->types);
	st->values = xcalloc(n, sizeof *st->values);
	st->nums = xcalloc(n, sizeof *st->nums);
	st->owned = xcalloc(n, sizeof *st->owned);
	for (int i = 0; fmt && fmt[i] && i < st->count; i++)
		st->types[i] = fmt[i] == 'i' || fmt[i] == 'I' ? OID_INT8 : fmt[i] == 'd' ? OID_FLOAT8 : OID_UNKNOWN;
	if (prepare(st) != 0) {
		pg_stmt_free(st);
		return NULL;
	}
	return st;
}

struct pg_stmt *pg_prepare(struct pg *c, const char *sql, const char *fmt)
{
	/* A connection the server ended while it was idle is found lost only when used: a statement first
	 * used then is prepared again on a new one (after a snapshot's BEGIN waiting), as pg_execute sends
	 * a read again; not once a transaction is open on the server, whose work went with the connection.
	 * Else a request whose first statement was new to its connection failed. */
	bool idle = !server_in_transaction(c);
	bool up = connected(c) || (idle && lost(c) && connected(c)); /* found lost: once more */
	if (!up)
		return NULL;
	idle = !server_in_transaction(c);
	struct pg_stmt *st = prepare_new(c, sql, fmt);
	if (st == NULL && idle && lost(c) && connected(c)) /* lost while preparing: once more */
		st = prepare_new(c, sql, fmt);
	return st;
}

void pg_clear(struct pg_stmt *st)
{
	PQclear(st->res);
	st->res = NULL;
	st->row = -1;
	st->rows = 0;
	for (int i = 0; i < st->count; i++) {
		free(st->owned[i]);
		st->owned[i] = NULL;
		st->values[i] = NULL;
	}
}

void pg_stmt_free(struct pg_stmt *st)
{
	if (st == NULL)
		return;
	pg_clear(st);
	struct sql_params p = {.sql = st->sql, .count = st->count, .names = st->names};
	sql_params_free(&p);
	free(st->types);
	free(st->values);
	free(st->nums);
	free(st->owned);
	free(st);
}

int pg_param_count(const struct pg_stmt *st)
{
	return st->count;
}

const char *pg_param_name(const struct pg_stmt *st, int i)
{
	return i >= 1 && i <= st->count ? st->names[i - 1] : NULL;
}


void pg_bind_text(struct pg_stmt *st, int i, const char *v)
{
	free(st->owned[i - 1]);
	st->owned[i - 1] = v ? xstrdup(v) : NULL;
	st->values[i - 1] = st->owned[i - 1];
}

void pg_bind_int64(struct pg_stmt *st, int i, int64_t v)
{
	snprintf(st->nums[i - 1], sizeof st->nums[i - 1], "%lld", (long long)v);
	st->values[i - 1] = st->nums[i - 1];
}

void pg_bind_double(struct pg_stmt *st, int i, double v)
{
	snprintf(st->nums[i - 1], sizeof st->nums[i - 1], "%.17g", v);
	st->values[i - 1] = st->nums[i - 1];
}

void pg_bind_null(struct pg_stmt *st, int i)
{
	st->values[i - 1] = NULL;
}

enum db_rc pg_execute(struct pg_stmt *st)
{
	struct pg *c = st->c;
	PQclear(st->res);
	st->res = NULL;
	st->row = -1;
	st->rows = 0;
	/* A read outside a transaction (or first in a snapshot) may be sent again on a new connection
	 * (after a failover). */
	bool retry = st->readonly && !server_in_transaction(c);
	for (int attempt = 0;; attempt++) {
		/* A statement not prepared on this connection yet is prepared after the commands waiting; the
		 * connection found lost then, the read is sent again as below. */
		if (!reachable(c))
			return DB_ERROR;
		if (st->generation != c->generation && (flush_pending(c) != DB_OK || prepare(st) != 0)) {
			if (retry && attempt == 0 && lost(c))
				continue;
			return DB_ERROR;
		}
		PGresult *r = c->npending ? pipelined(c, &(struct pending){.st = st})
					  : PQexecPrepared(c->conn, st->name, st->count, st->values, NULL, NULL, 0);
		enum db_rc rc = classify(r);
		if (rc == DB_OK) {
			const char *tuples = PQcmdTuples(r);
			c->changes = *tuples ? (int)strtol(tuples, NULL, 10) : 0;
			st->res = r;
			st->rows = PQntuples(r);
			if (st->returns_id) {
				if (st->rows > 0)
					c->last_id = strtoll(PQgetvalue(r, st->rows - 1, 0), NULL, 10);
				st->rows = 0;
			}
			return DB_OK;
		}
		if (retry && attempt == 0 && lost(c)) {
			PQclear(r);
			continue;
		}
		if (rc != DB_CONSTRAINT)
			log_failure("statement", r, c->conn);
		PQclear(r);
		return rc;
	}
}

enum db_rc pg_execute_later(struct pg_stmt *st)
{
	struct pg *c = st->c;
	if (!reachable(c))
		return DB_ERROR;
	if (st->generation != c->generation && (flush_pending(c) != DB_OK || prepare(st) != 0))
		return DB_ERROR;
	if (c->npending == PENDING_MAX && flush_pending(c) != DB_OK)
		return DB_ERROR;
	char **values = xcalloc((size_t)(st->count ? st->count : 1), sizeof *values);
	for (int i = 0; i < st->count; i++)
		values[i] = st->values[i] ? xstrdup(st->values[i]) : NULL;
	c->pending[c->npending++] = (struct pending){.st = st, .values = values};
	return DB_OK;
}

bool pg_row(struct pg_stmt *st)
{
	return st->res && ++st->row < st->rows;
}

const char *pg_col_text(struct pg_stmt *st, int col)
{
	if (st->row < 0 || st->row >= st->rows || col >= PQnfields(st->res) || PQgetisnull(st->res, st->row, col))
		return NULL;
	return PQgetvalue(st->res, st->row, col);
}

bool pg_col_null(struct pg_stmt *st, int col)
{
	return pg_col_text(st, col) == NULL;
}

int64_t pg_col_int64(struct pg_stmt *st, int col)
{
	const char *v = pg_col_text(st, col);
	if (v == NULL || *v == 'f')
		return 0;
	if (*v == 't')
		return 1;
	char *end;
	long long n = strtoll(v, &end, 10);
	if (*end == '.' || *end == 'e' || *end == 'E')
		return (int64_t)strtod(v, NULL); /* a real read as an integer: truncated, as SQLite does */
	return n;
}

double pg_col_double(struct pg_stmt *st, int col)
{
	const char *v = pg_col_text(st, col);
	if (v == NULL || *v == 'f')
		return 0;
	if (*v == 't')
		return 1;
	return strtod(v, NULL);
}

int pg_col_bytes(struct pg_stmt *st, int col)
{
	const char *v = pg_col_text(st, col);
	return v ? PQgetlength(st->res, st->row, col) : 0;
}

enum db_rc pg_copy_begin(struct pg *c, const char *table, const char *columns)
{
	if (!connected(c))
		return DB_ERROR;
	char *sql = xasprintf("COPY %s (%s) FROM STDIN", table, columns);
	PGresult *r = PQexec(c->conn, sql);
	free(sql);
	enum db_rc rc = PQresultStatus(r) == PGRES_COPY_IN ? DB_OK : DB_ERROR;
	if (rc != DB_OK)
		log_failure("copy", r, c->conn);
	PQclear(r);
	buf_reset(&c->copy);
	return rc;
}

/* A value in COPY's text format: \N for NULL, and a backslash, tab, newline or carriage return escaped
 * (the rest, UTF-8 included, goes as it is). */
static void copy_value(struct buf *b, const char *v)
{
	if (v == NULL) {
		buf_puts(b, "\\N");
		return;
	}
	for (size_t n; *v; v += n) {
		n = strcspn(v, "\\\t\n\r");
		buf_append(b, v, n);
		if (v[n] == '\0')
			break;
		buf_putc(b, '\\');
		buf_putc(b, v[n] == '\t' ? 't' : v[n] == '\n' ? 'n' : v[n] == '\r' ? 'r' : '\\');
		n++;
	}
}

static enum db_rc copy_send(struct pg *c)
{
	if (c->copy.len > 0 && PQputCopyData(c->conn, c->copy.data, (int)c->copy.len) != 1) {
		log_failure("copy", NULL, c->conn);
		return DB_ERROR;
	}
	buf_reset(&c->copy);
	return DB_OK;
}

enum db_rc pg_copy_row(struct pg *c, const char *const *values, int n)
{
	for (int i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(&c->copy, '\t');
		copy_value(&c->copy, values[i]);
	}
	buf_putc(&c->copy, '\n');
	return c->copy.len >= COPY_CHUNK ? copy_send(c) : DB_OK;
}

enum db_rc pg_copy_end(struct pg *c, bool complete)
{
	enum db_rc rc = complete ? copy_send(c) : DB_ERROR;
	buf_reset(&c->copy);
	if (PQputCopyEnd(c->conn, rc == DB_OK ? NULL : "lantern stopped the copy") != 1) {
		log_failure("copy", NULL, c->conn);
		rc = DB_ERROR;
	}
	/* The server's answer to the whole COPY; the context names the table, line and column refused. */
	for (PGresult *r; (r = PQgetResult(c->conn)) != NULL; PQclear(r)) {
		enum db_rc got = classify(r);
		if (got == DB_OK)
			continue;
		log_failure("copy", r, c->conn);
		const char *where = PQresultErrorField(r, PG_DIAG_CONTEXT);
		if (where)
			log_error("postgresql: copy: %.*s", shown_length(where), where);
		rc = got;
	}
	return rc;
}
