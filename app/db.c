/* db.c — the database module: the only file that includes <sqlite3.h>, and, through db_pg.c (the
 * only file that calls libpq), the PostgreSQL engine's door too. One connection per thread; statements
 * are prepared once per connection, looked up by the address of their SQL literal. A connection is one
 * engine's: h for SQLite, or pg; each function below takes the other path only where the engines
 * differ, so SQLite's path is what it was. */
#include "db.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db_pg.h"
#include "migrations.h"
#include "util.h"

enum {
	STMT_SLOTS = 512,
	BUSY_TIMEOUT_MS = 5000,
	BUSY_SLEEP_US = 200,
	GROUP_MAX = 32,
	TURN_RECENT_US = 1000, /* a group that begins this soon after this writer's COMMIT gives way */
	TURN_POLL_US = 50,
	TURN_MAX_US = 2000, /* for at most this long */
	CHECKPOINT_PAGES = 1000,        /* SQLite's own autocheckpoint threshold: wakes the checkpointer */
	CHECKPOINT_INLINE_PAGES = 4000, /* the committing writer finishes the checkpoint itself (below) */
};

struct db_stmt {
	const char *sql; /* the literal's address is the cache key */
	sqlite3_stmt *stmt;
	struct pg_stmt *pg;
	struct db *db;
	bool active; /* stepped since the last reset */
	bool broken; /* its values could not be bound: it yields no rows and the request fails */
};

/* Writes and group commit.
 *
 * Every write goes through a writer connection: the connection itself (the command line, tests), or
 * one connection the server's threads share (db_share_writer). A thread takes the writer for its
 * transaction, so writers queue on a mutex rather than in SQLite's sleeping busy handler, and the
 * writer's page cache stays warm instead of being dropped whenever another connection commits.
 *
 * Each transaction is a SAVEPOINT inside a group transaction (BEGIN IMMEDIATE). When it is done and
 * other threads are waiting for the writer, it hands the writer on and sleeps; the last of the group
 * (nobody waiting, or GROUP_MAX members) COMMITs for all of them, so one fsync makes a whole group
 * durable. db_commit() returns only after that COMMIT, with its result: an answer is never sent for a
 * write that could still be lost, and a transaction that rolls back takes only its own work with it.
 *
 * With db_sync_apart, the COMMIT only writes the group's pages to the WAL (synchronous=NORMAL) and the
 * committer syncs the WAL after handing the writer on, so the next group does its work while the disk
 * makes this one durable; the group's members are still answered only after that sync. A group that
 * reads another's rows before they are synced can only be synced after them (the WAL is one file
 * written in order), so nothing acknowledged ever rests on a write that could be lost. */
struct member {
	struct member *next;
	enum db_rc rc;
	bool done;
};

struct writer {
	pthread_mutex_t m;
	pthread_cond_t free_cv, done_cv;
	bool held;    /* a thread is using the connection */
	int waiting;  /* threads waiting to use it */
	bool open;    /* the group transaction is open */
	int members;  /* transactions done and waiting for the group's COMMIT */
	struct member *group;
	int turn_fd;          /* -1, or the file where writers of other processes show they wait (db_take_turns) */
	bool showing;         /* this writer shows that it waits */
	int64_t committed_us; /* when this writer last committed, on the monotonic clock */
	struct checkpointer *ckpt; /* NULL, or the thread that checkpoints this writer's WAL (db_checkpoint_apart) */
	char *wal_path;            /* NULL, or the WAL this writer syncs after its COMMITs (db_sync_apart) */
	int wal_fd;                /* -1, or that WAL open, to sync it */
	ino_t wal_ino;
	int syncing;               /* groups committed whose WAL sync is under way */
	bool deferred;             /* the open group waits for that sync to end before it commits */
};

/* Checkpoints off the write path. SQLite's autocheckpoint copies the WAL into the database (and syncs
 * the database file) on the thread whose COMMIT took the WAL past 1,000 pages, after the commit but
 * before db_commit returns, so that thread keeps the writer and every writer of the process waits
 * for it. A checkpointer has a connection of its own and a thread that a commit only wakes: a
 * PASSIVE checkpoint takes no write lock, so groups commit on while it copies. */
struct checkpointer {
	pthread_t thread;
	sqlite3 *h;
	pthread_mutex_t m;
	pthread_cond_t cv;
	bool due, stop;
	int woken; /* the WAL's size in pages when a commit last woke the thread */
};

/* A write db_exec_aside_soon keeps for the request's own transaction or its end: a time and a key. */
struct aside_soon {
	const char *sql; /* NULL when none waits */
	bool sent;       /* inside the transaction now open */
	int64_t at;
	char key[160];
};

struct db {
	sqlite3 *h;
	struct pg *pg; /* instead of h, on PostgreSQL */
	bool failed;
	struct db *writer; /* where this connection's writes go: itself, or the shared writer */
	bool holding;      /* this connection's thread has the writer, between db_begin and commit/rollback */
	bool shared;       /* a writer that several threads use */
	struct writer w;   /* when this connection is a writer */
	int64_t last_id;   /* of the last write made through db_exec outside a transaction */
	int changes;
	struct db_stmt slots[STMT_SLOTS]; /* open addressing on the SQL pointer */
	struct timespec busy_since;       /* when the current wait for another process's lock began */
	struct db_stmt dead;              /* stands in for a statement that could not be prepared */
	int duty_fd;                      /* SQLite: the flock that holds the background duty, or -1 */
	struct aside_soon soon;           /* db_exec_aside_soon's write, until it is made */
};

/* The writer this thread has, if any. */
static _Thread_local struct db *held_writer;
/* This thread misused a statement of another connection (check_owner): its request fails. */
static _Thread_local bool misused;

/* The connection statements of db run on now: the writer inside a transaction. */
static struct db *target(struct db *db)
{
	return db->holding ? db->writer : db;
}

static void fail(struct db *db, const char *what)
{
	if (db->h) /* db_pg.c logs PostgreSQL's failures itself */
		log_error("sqlite: %s: %s", what, sqlite3_errmsg(db->h));
	db->failed = true;
}

/* True inside a transaction. */
static bool in_transaction(struct db *db)
{
	return db->pg ? pg_in_transaction(db->pg) : !sqlite3_get_autocommit(db->h);
}

/* Runs transaction control whose failure changes nothing for the caller. */
static void quietly(struct db *db, const char *sql)
{
	if (db->pg)
		pg_run(db->pg, sql);
	else
		sqlite3_exec(db->h, sql, NULL, NULL, NULL);
}

/* Ends a statement's run: its read snapshot on SQLite, its result on PostgreSQL. */
static void stmt_reset(struct db_stmt *st)
{
	if (st->pg)
		pg_clear(st->pg);
	else if (st->stmt)
		sqlite3_reset(st->stmt);
}

/* Makes path (if it exists, or create is set) readable and writable by its owner only, whatever the
 * umask: the database holds the server key and personal data, and nginx's workers, which must reach
 * the socket beside it, must never read it. SQLite gives the -wal, -shm and -journal files it creates
 * the database file's mode, so fixing the database first covers them; ones left from an earlier
 * run are fixed here too. Names SQLite treats specially (":memory:", "file:" URIs) are left alone.
 * An existing file is never opened here: closing any descriptor of a file drops every POSIX lock
 * the process holds on it, the other connections' included. Returns 0, or -1 (logged). */
static int private_file(const char *path, bool create)
{
	if (path[0] == '\0' || path[0] == ':' || strncmp(path, "file:", 5) == 0)
		return 0;
	struct stat st;
	if (stat(path, &st) != 0) {
		if (!create || errno != ENOENT)
			return 0; /* SQLite reports it */
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0)
			return 0;
		int rc = fchmod(fd, 0600); /* a umask like 0277 would leave even the owner short */
		close(fd);
		return rc == 0 ? 0 : -1;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & 077) == 0)
		return 0;
	if (chmod(path, st.st_mode & 0700) != 0) {
		log_error("cannot make %s private (mode %04o): %s", path, (unsigned)(st.st_mode & 07777), strerror(errno));
		return -1;
	}
	return 0;
}

/* private_file for a database and the companions SQLite keeps beside it. */
static int private_database(const char *path, bool create)
{
	if (private_file(path, create) != 0)
		return -1;
	static const char *const sides[] = {"-wal", "-shm", "-journal"};
	for (size_t i = 0; i < sizeof sides / sizeof sides[0]; i++) {
		char *side = xasprintf("%s%s", path, sides[i]);
		int rc = private_file(side, false);
		free(side);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int64_t monotonic_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* Taking turns between processes. A writer waiting in busy_wait for another process's group holds a
 * read lock on byte 0 of the turn file (an open-file-description lock, which the kernel drops if its
 * process dies). A writer about to begin a group right after committing one first gives way while
 * that byte shows someone waiting, for up to TURN_MAX_US: its next group, queued on the mutex, wakes
 * within microseconds, while the other writer sleeps in BUSY_SLEEP_US steps and would lose the race
 * for the lock, turn after turn. */
static void show_waiting(struct db *w, bool waiting)
{
	if (w->w.turn_fd < 0 || w->w.showing == waiting)
		return;
	struct flock fl = {.l_type = (short)(waiting ? F_RDLCK : F_UNLCK), .l_whence = SEEK_SET, .l_len = 1};
	if (fcntl(w->w.turn_fd, F_OFD_SETLK, &fl) == 0)
		w->w.showing = waiting;
}

static bool other_waiting(struct db *w)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = 1};
	return fcntl(w->w.turn_fd, F_OFD_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
}

static void give_way(struct db *w)
{
	if (w->w.turn_fd < 0 || monotonic_us() - w->w.committed_us > TURN_RECENT_US)
		return;
	struct timespec nap = {0, TURN_POLL_US * 1000L};
	for (int i = 0; i < TURN_MAX_US / TURN_POLL_US && other_waiting(w); i++)
		nanosleep(&nap, NULL);
}

void db_take_turns(struct db *writer, const char *path)
{
	if (writer->pg)
		return; /* PostgreSQL queues the writers on its lock itself, in order */
	writer->w.turn_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (writer->w.turn_fd >= 0)
		fchmod(writer->w.turn_fd, 0600); /* whatever the umask, the other processes open it too */
	if (writer->w.turn_fd < 0)
		log_error("cannot open %s: writers of different processes will not take turns", path);
}

/* Waits for a lock another process holds (its writer's group transaction, or a checkpoint) in short
 * sleeps, up to BUSY_TIMEOUT_MS: SQLite's own handler sleeps 10 to 100 ms once a wait passes a few
 * ms, while a group commit holds the lock for about a millisecond, so the other process would lose
 * most of its turns and its writes queue behind the sleep. */
static int busy_wait(void *arg, int tries)
{
	struct db *db = arg;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (tries == 0) {
		db->busy_since = now;
		show_waiting(db, true);
	}
	long long waited_ms = (long long)(now.tv_sec - db->busy_since.tv_sec) * 1000 +
			      (now.tv_nsec - db->busy_since.tv_nsec) / 1000000;
	if (waited_ms >= BUSY_TIMEOUT_MS)
		return 0;
	struct timespec nap = {0, BUSY_SLEEP_US * 1000L};
	nanosleep(&nap, NULL);
	return 1;
}

static void *checkpointer_main(void *arg)
{
	struct checkpointer *c = arg;
	pthread_mutex_lock(&c->m);
	for (;;) {
		while (!c->due && !c->stop)
			pthread_cond_wait(&c->cv, &c->m);
		if (c->stop)
			break;
		c->due = false;
		pthread_mutex_unlock(&c->m);
		int rc = sqlite3_wal_checkpoint_v2(c->h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		if (rc != SQLITE_OK && rc != SQLITE_BUSY) /* busy: another process's checkpoint is running */
			log_error("sqlite: checkpoint: %s", sqlite3_errmsg(c->h));
		pthread_mutex_lock(&c->m);
	}
	pthread_mutex_unlock(&c->m);
	return NULL;
}

/* Called by SQLite after each of the writer's commits, with the WAL's size in pages. The thread is
 * woken at 1,000 pages and again each further 500 (a checkpoint syncs two files: not after every
 * commit), or once the WAL has started again. While writes keep coming, a checkpoint beside them
 * never catches up with the last frame, and SQLite starts the WAL again from its beginning only once
 * one has: so past CHECKPOINT_INLINE_PAGES the writer copies what is left itself, as SQLite would,
 * with its other writers waiting. The checkpointer has copied the rest by then, so that is a short
 * wait once per few thousand pages. */
static int wal_hook(void *arg, sqlite3 *h, const char *name, int pages)
{
	struct checkpointer *c = arg;
	if (pages >= CHECKPOINT_INLINE_PAGES) {
		sqlite3_wal_checkpoint_v2(h, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	} else if (pages >= CHECKPOINT_PAGES && (pages < c->woken || pages >= c->woken + CHECKPOINT_PAGES / 2)) {
		pthread_mutex_lock(&c->m);
		c->woken = pages;
		c->due = true;
		pthread_cond_signal(&c->cv);
		pthread_mutex_unlock(&c->m);
	}
	return SQLITE_OK;
}

void db_checkpoint_apart(struct db *writer, const char *path)
{
	if (writer->pg)
		return; /* PostgreSQL checkpoints by itself */
	struct checkpointer *c = xcalloc(1, sizeof *c);
	pthread_mutex_init(&c->m, NULL);
	pthread_cond_init(&c->cv, NULL);
	/* A connection sees the WAL only once it has read: until then a checkpoint through it does nothing. */
	if (sqlite3_open_v2(path, &c->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(c->h, BUSY_TIMEOUT_MS) != SQLITE_OK ||
	    sqlite3_exec(c->h, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK ||
	    pthread_create(&c->thread, NULL, checkpointer_main, c) != 0) {
		log_error("cannot start the checkpointer: the writer checkpoints as it commits");
		sqlite3_close(c->h);
		pthread_mutex_destroy(&c->m);
		pthread_cond_destroy(&c->cv);
		free(c);
		return;
	}
	writer->w.ckpt = c;
	sqlite3_wal_hook(writer->h, wal_hook, c); /* replaces SQLite's autocheckpoint on this connection */
}

static int (*wal_sync)(int fd) = fdatasync;

void db_test_wal_sync(int (*sync)(int fd))
{
	wal_sync = sync ? sync : fdatasync;
}

void db_sync_apart(struct db *writer, const char *path)
{
	if (writer->pg)
		return; /* PostgreSQL's COMMIT waits for its own WAL flush (and the standby's) */
	if (db_exec_script(writer, "PRAGMA synchronous=NORMAL") != 0) {
		log_error("sqlite: cannot sync the WAL apart; each COMMIT syncs it");
		return;
	}
	writer->w.wal_path = xasprintf("%s-wal", path);
}

/* Makes the WAL durable up to this writer's last COMMIT. Its descriptor is opened at the first sync
 * (SQLite creates the file at the first write) and again whenever the path names another file (SQLite
 * deletes the WAL when the last connection of every process closes): syncing a file no longer in use
 * would make nothing durable. */
static enum db_rc sync_wal(struct db *w)
{
	struct stat st;
	if (stat(w->w.wal_path, &st) != 0) {
		log_error("sqlite: cannot find the WAL to sync it: %s", strerror(errno));
		return DB_ERROR;
	}
	if (w->w.wal_fd < 0 || st.st_ino != w->w.wal_ino) {
		if (w->w.wal_fd >= 0)
			close(w->w.wal_fd);
		w->w.wal_fd = open(w->w.wal_path, O_RDONLY | O_CLOEXEC);
		w->w.wal_ino = st.st_ino;
	}
	if (w->w.wal_fd < 0 || wal_sync(w->w.wal_fd) != 0) {
		log_error("sqlite: cannot sync the WAL: %s", strerror(errno));
		return DB_ERROR;
	}
	return DB_OK;
}

static void checkpointer_stop(struct checkpointer *c)
{
	pthread_mutex_lock(&c->m);
	c->stop = true;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->m);
	pthread_join(c->thread, NULL);
	sqlite3_close(c->h);
	pthread_mutex_destroy(&c->m);
	pthread_cond_destroy(&c->cv);
	free(c);
}

/* The parts of a connection both engines have. */
static struct db *db_new(void)
{
	struct db *db = xcalloc(1, sizeof *db);
	db->writer = db;
	db->w.turn_fd = -1;
	db->w.wal_fd = -1;
	db->duty_fd = -1;
	pthread_mutex_init(&db->w.m, NULL);
	pthread_cond_init(&db->w.free_cv, NULL);
	pthread_cond_init(&db->w.done_cv, NULL);
	return db;
}

bool db_is_postgres(const char *path)
{
	return pg_is_conninfo(path);
}

char *db_shown_name(const char *path)
{
	return pg_is_conninfo(path) ? pg_redacted(path) : xstrdup(path);
}

const char *db_sql(const struct db *db, const char *sqlite, const char *pg)
{
	return db->pg ? pg : sqlite;
}

struct db *db_open(const char *path, bool create)
{
	if (pg_is_conninfo(path)) {
		/* The database itself is made by its administrator (README); create does not apply. */
		struct pg *pg = pg_connect(path, BUSY_TIMEOUT_MS);
		if (pg == NULL)
			return NULL;
		struct db *db = db_new();
		db->pg = pg;
		return db;
	}
	if (private_database(path, create) != 0)
		return NULL;
	struct db *db = db_new();
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(path, &db->h, flags, NULL) != SQLITE_OK) {
		log_error("cannot open database %s: %s", path, db->h ? sqlite3_errmsg(db->h) : "no memory");
		sqlite3_close(db->h);
		db->h = NULL;
		db_close(db);
		return NULL;
	}
	sqlite3_busy_handler(db->h, busy_wait, db);
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

void db_share_writer(struct db *db, struct db *writer)
{
	db->writer = writer;
	writer->shared = true;
}

void db_close(struct db *db)
{
	if (db == NULL)
		return;
	if (db->holding)
		db_rollback(db);
	if (db->w.ckpt) {
		sqlite3_wal_hook(db->h, NULL, NULL);
		checkpointer_stop(db->w.ckpt);
	}
	for (int i = 0; i < STMT_SLOTS; i++) {
		sqlite3_finalize(db->slots[i].stmt);
		pg_stmt_free(db->slots[i].pg);
	}
	sqlite3_close(db->h);
	pg_disconnect(db->pg);
	if (db->w.turn_fd >= 0)
		close(db->w.turn_fd);
	if (db->duty_fd >= 0)
		close(db->duty_fd);
	if (db->w.wal_fd >= 0)
		close(db->w.wal_fd);
	free(db->w.wal_path);
	pthread_mutex_destroy(&db->w.m);
	pthread_cond_destroy(&db->w.free_cv);
	pthread_cond_destroy(&db->w.done_cv);
	free(db);
}

/* A statement that cannot be used, for a bug found while a request runs (SQL that does not prepare,
 * a bind format that does not fit): logged with the SQL (a literal, never a value), the connection is
 * marked failed so the request answers 500, and the worker carries on with its next request. Those
 * bugs show up at the statement's first use, which is a request, not start-up: statements are
 * prepared lazily. The tests run every statement. */
static struct db_stmt *broken(struct db *db, const char *why, const char *sql)
{
	log_error("db: %s\n%s", why, sql);
	db->failed = true;
	db->dead = (struct db_stmt){.sql = sql, .db = db, .broken = true};
	return &db->dead;
}

/* The cached statement for the literal sql; fmt, the bind format of its first use (NULL when bound
 * by name), types its parameters on PostgreSQL. */
static struct db_stmt *prepare(struct db *db, const char *sql, const char *fmt)
{
	size_t h = ((uintptr_t)sql >> 3) % STMT_SLOTS;
	for (size_t n = 0; n < STMT_SLOTS; n++, h = (h + 1) % STMT_SLOTS) {
		struct db_stmt *s = &db->slots[h];
		if (s->sql == sql)
			return s;
		if (s->sql == NULL && db->pg) {
			if ((s->pg = pg_prepare(db->pg, sql, fmt)) == NULL)
				return broken(db, "a statement that does not prepare", sql);
			s->sql = sql;
			s->db = db;
			return s;
		}
		if (s->sql == NULL) {
			if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->stmt, NULL) != SQLITE_OK) {
				log_error("sqlite: cannot prepare: %s", sqlite3_errmsg(db->h));
				s->stmt = NULL;
				return broken(db, "a statement that does not prepare", sql);
			}
			s->sql = sql;
			s->db = db;
			return s;
		}
	}
	return broken(db, "more distinct statements than STMT_SLOTS", sql);
}

/* bind_args for PostgreSQL, whose values cannot fail to bind. */
static void bind_pg(struct db_stmt *st, const char *fmt, va_list ap)
{
	int i = 1, params = pg_param_count(st->pg);
	for (const char *f = fmt; f && *f; f++, i++) {
		bool fits = i <= params; /* the values beyond are taken, then refused below */
		switch (*f) {
		case 's': {
			const char *v = va_arg(ap, const char *);
			if (fits)
				pg_bind_text(st->pg, i, v);
			break;
		}
		case 'i': {
			int v = va_arg(ap, int);
			if (fits)
				pg_bind_int64(st->pg, i, v);
			break;
		}
		case 'I': {
			int64_t v = va_arg(ap, int64_t);
			if (fits)
				pg_bind_int64(st->pg, i, v);
			break;
		}
		case 'd': {
			double v = va_arg(ap, double);
			if (fits)
				pg_bind_double(st->pg, i, v);
			break;
		}
		case 'n':
			if (fits)
				pg_bind_null(st->pg, i);
			break;
		default:
			log_error("db: bad bind format '%c' in \"%s\"", *f, fmt);
			st->broken = st->db->failed = true;
			return;
		}
	}
	if (params != i - 1) {
		log_error("db: %d values bound, statement takes %d\n%s", i - 1, params, st->sql);
		st->broken = st->db->failed = true;
	}
}

/* Binds; a format that does not fit the statement marks it broken (see broken()). */
static void bind_args(struct db_stmt *st, const char *fmt, va_list ap)
{
	if (st->pg) {
		bind_pg(st, fmt, ap);
		return;
	}
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
			log_error("db: bad bind format '%c' in \"%s\"", *f, fmt);
			rc = SQLITE_MISUSE;
			break;
		}
		if (rc != SQLITE_OK) {
			/* SQLITE_TOOBIG or SQLITE_NOMEM from a value, or a bug: this request fails, not the process. */
			log_error("sqlite: bind %d failed: %s\n%s", i, sqlite3_errstr(rc), st->sql);
			st->broken = st->db->failed = true;
			return;
		}
	}
	if (sqlite3_bind_parameter_count(st->stmt) != i - 1) {
		log_error("db: %d values bound, statement takes %d\n%s", i - 1, sqlite3_bind_parameter_count(st->stmt),
			  st->sql);
		st->broken = st->db->failed = true;
	}
}

/* Statements this thread has run (db_statements_run). */
static _Thread_local int64_t statements_run;

int64_t db_statements_run(void)
{
	return statements_run;
}

/* Readies a cached statement for new values; false for the stand-in of one that did not prepare. */
static bool rearm(struct db_stmt *st)
{
	statements_run++;
	if (st->pg) {
		pg_clear(st->pg);
		st->active = st->broken = false;
		return true;
	}
	if (st->stmt == NULL)
		return false;
	sqlite3_reset(st->stmt);
	sqlite3_clear_bindings(st->stmt);
	st->active = false;
	st->broken = false;
	return true;
}

static struct db_stmt *vquery(struct db *db, const char *sql, const char *fmt, va_list ap)
{
	struct db_stmt *st = prepare(target(db), sql, fmt);
	if (rearm(st))
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

/* db_query_named for PostgreSQL. */
static void bind_named_pg(struct db_stmt *st, const struct db_named *vals, int n)
{
	int params = pg_param_count(st->pg);
	for (int i = 1; i <= params; i++) {
		const char *name = pg_param_name(st->pg, i);
		const struct db_named *v = NULL;
		for (int k = 0; name && k < n && v == NULL; k++)
			if (strcmp(vals[k].name, name) == 0)
				v = &vals[k];
		if (v == NULL) {
			log_error("db: parameter %s: no value\n%s", name ? name : "?", st->sql);
			st->broken = st->db->failed = true;
			return;
		}
		if (v->text)
			pg_bind_text(st->pg, i, v->text);
		else
			pg_bind_int64(st->pg, i, v->integer);
	}
}

struct db_stmt *db_query_named(struct db *db, const char *sql, const struct db_named *vals, int n)
{
	struct db_stmt *st = prepare(target(db), sql, NULL);
	if (!rearm(st))
		return st;
	if (st->pg) {
		bind_named_pg(st, vals, n);
		return st;
	}
	int params = sqlite3_bind_parameter_count(st->stmt);
	for (int i = 1; i <= params; i++) {
		const char *name = sqlite3_bind_parameter_name(st->stmt, i);
		const struct db_named *v = NULL;
		for (int k = 0; name && k < n && v == NULL; k++)
			if (strcmp(vals[k].name, name) == 0)
				v = &vals[k];
		int rc = v == NULL ? SQLITE_RANGE
			 : v->text ? sqlite3_bind_text(st->stmt, i, v->text, -1, SQLITE_TRANSIENT)
				   : sqlite3_bind_int64(st->stmt, i, v->integer);
		if (rc != SQLITE_OK) {
			log_error("db: parameter %s: %s\n%s", name ? name : "?", v ? sqlite3_errstr(rc) : "no value", sql);
			st->broken = st->db->failed = true;
			break;
		}
	}
	return st;
}

/* The shared writer's statements belong to whoever has the writer. Another thread may be using it,
 * so a statement used outside its transaction is refused untouched (nothing is broken yet) and the
 * request that tried fails (misused, seen by db_request_end). */
static bool owned(const struct db_stmt *st)
{
	if (!st->db->shared || held_writer == st->db)
		return true;
	log_error("db: a statement of the shared writer used outside its transaction\n%s", st->sql);
	misused = true;
	return false;
}

bool db_next(struct db_stmt *st)
{
	if (st->broken || !owned(st))
		return false;
	if (st->pg) {
		if (!st->active) {
			st->active = true;
			if (pg_execute(st->pg) != DB_OK)
				fail(st->db, "step");
		}
		if (pg_row(st->pg))
			return true;
		pg_clear(st->pg);
		st->active = false;
		return false;
	}
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
		stmt_reset(st);
	st->active = false;
}

int db_col_int(struct db_stmt *st, int col)
{
	return st->pg ? (int)pg_col_int64(st->pg, col) : sqlite3_column_int(st->stmt, col);
}

int64_t db_col_int64(struct db_stmt *st, int col)
{
	return st->pg ? pg_col_int64(st->pg, col) : sqlite3_column_int64(st->stmt, col);
}

double db_col_double(struct db_stmt *st, int col)
{
	return st->pg ? pg_col_double(st->pg, col) : sqlite3_column_double(st->stmt, col);
}

bool db_col_null(struct db_stmt *st, int col)
{
	return st->pg ? pg_col_null(st->pg, col) : sqlite3_column_type(st->stmt, col) == SQLITE_NULL;
}

const char *db_col_text(struct db_stmt *st, int col)
{
	return st->pg ? pg_col_text(st->pg, col) : (const char *)sqlite3_column_text(st->stmt, col);
}

const void *db_col_blob(struct db_stmt *st, int col, int *len)
{
	if (st->pg) {
		*len = pg_col_bytes(st->pg, col);
		return pg_col_text(st->pg, col);
	}
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

static enum db_rc vexec(struct db *db, const char *sql, const char *fmt, va_list ap)
{
	/* A write outside a transaction is a transaction of its own, through the writer; on PostgreSQL
	 * always, so that every write holds the write lock (db_begin). */
	bool own = !db->holding &&
		   (db->pg ? !pg_sql_readonly(sql) : db->writer != db && !sqlite3_stmt_readonly(prepare(db, sql, fmt)->stmt));
	if (own) {
		enum db_rc rc = db_begin(db);
		if (rc != DB_OK)
			return rc;
	}
	struct db *t = target(db);
	struct db_stmt *st = vquery(db, sql, fmt, ap);
	enum db_rc rc;
	if (st->broken) {
		rc = DB_ERROR;
	} else if (t->pg) {
		if ((rc = pg_execute(st->pg)) == DB_ERROR)
			t->failed = true;
		pg_clear(st->pg);
		db->last_id = pg_last_id(t->pg);
		db->changes = pg_changes(t->pg);
	} else {
		rc = classify(t, sqlite3_step(st->stmt));
		sqlite3_reset(st->stmt);
		db->last_id = sqlite3_last_insert_rowid(t->h);
		db->changes = sqlite3_changes(t->h);
	}
	if (own) {
		if (rc == DB_OK)
			rc = db_commit(db);
		else
			db_rollback(db);
	}
	return rc;
}

enum db_rc db_exec(struct db *db, const char *sql, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	enum db_rc rc = vexec(db, sql, fmt, ap);
	va_end(ap);
	return rc;
}

void db_exec_aside(struct db *db, const char *sql, const char *fmt, ...)
{
	bool failed = db->failed;
	va_list ap;
	va_start(ap, fmt);
	vexec(db, sql, fmt, ap);
	va_end(ap);
	db->failed = failed;
}

static void soon_made(struct db *db, bool along);

void db_exec_aside_soon(struct db *db, const char *sql, int64_t at, const char *key)
{
	soon_made(db, false); /* one kept at a time: an earlier one is made now */
	struct aside_soon *p = &db->soon;
	*p = (struct aside_soon){.sql = sql, .at = at};
	snprintf(p->key, sizeof p->key, "%s", key);
}

enum db_rc db_exec_along(struct db *db, const char *sql, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	enum db_rc rc;
	if (db->holding && db->writer->pg) {
		struct db_stmt *st = vquery(db, sql, fmt, ap);
		rc = st->broken ? DB_ERROR : pg_execute_later(st->pg);
		if (rc != DB_OK)
			db->writer->failed = true;
	} else {
		rc = vexec(db, sql, fmt, ap);
	}
	va_end(ap);
	return rc;
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
	if (!db->holding && db->writer != db)
		return db->last_id;
	struct db *t = target(db);
	return t->pg ? pg_last_id(t->pg) : sqlite3_last_insert_rowid(t->h);
}

int db_changes(struct db *db)
{
	if (!db->holding && db->writer != db)
		return db->changes;
	struct db *t = target(db);
	return t->pg ? pg_changes(t->pg) : sqlite3_changes(t->h);
}

/* Runs one statement on the writer connection; failures are logged and classified. */
static enum db_rc run(struct db *w, const char *sql)
{
	if (w->pg) {
		enum db_rc rc = pg_run(w->pg, sql);
		if (rc == DB_ERROR)
			w->failed = true;
		return rc;
	}
	return classify(w, sqlite3_exec(w->h, sql, NULL, NULL, NULL));
}

/* Runs transaction control whose answer nobody needs at once: on PostgreSQL it goes with the next
 * statement, in its round trip, and a failure is that statement's (or the COMMIT's). */
static enum db_rc run_soon(struct db *w, const char *sql)
{
	if (w->pg == NULL)
		return run(w, sql);
	pg_run_later(w->pg, sql);
	return DB_OK;
}

/* Makes the write db_exec_aside_soon keeps: inside the transaction db has just begun (along), or
 * aside, on its own. */
static void soon_made(struct db *db, bool along)
{
	struct aside_soon *p = &db->soon;
	const char *sql = p->sql;
	if (sql == NULL)
		return;
	if (along) {
		p->sent = true;
		db_exec_along(db, sql, "Is", p->at, p->key);
		return;
	}
	p->sql = NULL;
	db_exec_aside(db, sql, "Is", p->at, p->key);
}

/* The transaction that carried the kept write has ended: made if it committed, else still to make. */
static void soon_settled(struct db *db, bool committed)
{
	if (!db->soon.sent)
		return;
	db->soon.sent = false;
	if (committed)
		db->soon.sql = NULL;
}

enum db_rc db_begin(struct db *db)
{
	struct db *w = db->writer;
	if (held_writer == w) {
		log_error("sqlite: a transaction began inside another");
		db->failed = true;
		return DB_ERROR;
	}
	if (held_writer != NULL) /* this thread writes through another connection (tests): as SQLite would */
		return DB_BUSY;
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += BUSY_TIMEOUT_MS / 1000;
	pthread_mutex_lock(&w->w.m);
	w->w.waiting++;
	int timed_out = 0;
	while (w->w.held && !timed_out)
		timed_out = pthread_cond_timedwait(&w->w.free_cv, &w->w.m, &until);
	w->w.waiting--;
	if (w->w.held) {
		pthread_mutex_unlock(&w->w.m);
		log_error("sqlite: busy: the writer was held for %d ms", BUSY_TIMEOUT_MS);
		return DB_BUSY;
	}
	w->w.held = true;
	pthread_mutex_unlock(&w->w.m);
	held_writer = w;
	db->holding = true;
	enum db_rc rc = DB_OK;
	if (!w->w.open && w->pg) {
		rc = pg_begin_write(w->pg);
		w->w.open = rc == DB_OK;
	} else if (!w->w.open) {
		give_way(w);
		rc = run(w, "BEGIN IMMEDIATE");
		show_waiting(w, false);
		w->w.open = rc == DB_OK;
	}
	/* A group transaction that ended here (its connection lost) stays marked open, so that finish()
	 * fails the group's members waiting for its COMMIT rather than tell them it committed. */
	if (rc == DB_OK)
		rc = run_soon(w, "SAVEPOINT member");
	if (rc == DB_OK)
		soon_made(db, true);
	if (rc != DB_OK)
		db_rollback(db);
	return rc;
}

/* Commits the writer's group (the caller has the writer), hands the writer on, syncs the WAL when it is
 * synced apart, and then tells the group's members how it went. */
static enum db_rc commit_group(struct db *w, struct member *group, bool lost)
{
	enum db_rc group_rc = DB_OK;
	if (lost) {
		log_error("db: the transaction ended on an error; its group is lost");
		group_rc = DB_ERROR;
	} else if (w->w.open && (group_rc = run(w, "COMMIT")) != DB_OK && in_transaction(w)) {
		quietly(w, "ROLLBACK");
	}
	/* The group's members hear of a failed COMMIT through group_rc; left on the writer, it would fail
	 * the request of whoever finishes next, in a later group, though its work was committed. */
	w->failed = false;
	w->w.committed_us = monotonic_us();
	bool sync = group_rc == DB_OK && group != NULL && w->w.wal_path != NULL;
	pthread_mutex_lock(&w->w.m);
	w->w.open = false;
	w->w.syncing += sync;
	w->w.held = false;
	pthread_cond_signal(&w->w.free_cv);
	pthread_mutex_unlock(&w->w.m);
	if (sync)
		group_rc = sync_wal(w);
	pthread_mutex_lock(&w->w.m);
	w->w.syncing -= sync;
	for (struct member *m = group; m; m = m->next) {
		m->rc = group_rc;
		m->done = true;
	}
	pthread_cond_broadcast(&w->w.done_cv);
	pthread_mutex_unlock(&w->w.m);
	return group_rc;
}

/* A group left open to wait for the sync that just ended is committed now, unless a thread working in
 * it has the writer (it commits the group when it finishes, as no sync is under way any more). */
static void commit_deferred(struct db *w)
{
	for (;;) {
		pthread_mutex_lock(&w->w.m);
		bool take = w->w.deferred && !w->w.held && w->w.syncing == 0;
		struct member *group = NULL;
		if (take) {
			w->w.deferred = false;
			w->w.held = true;
			group = w->w.group;
			w->w.group = NULL;
			w->w.members = 0;
		}
		pthread_mutex_unlock(&w->w.m);
		if (!take)
			return;
		commit_group(w, group, w->w.open && !in_transaction(w));
	}
}

/* Ends this thread's transaction (keeping its work or not) and gives the writer back, committing the
 * group when nobody else will. Returns the result for this transaction's work. */
static enum db_rc finish(struct db *db, bool keep)
{
	struct db *w = db->writer;
	enum db_rc rc = DB_OK;
	if (keep && (rc = run_soon(w, "RELEASE member")) != DB_OK)
		keep = false;
	if (!keep && in_transaction(w)) {
		quietly(w, "ROLLBACK TO member");
		quietly(w, "RELEASE member");
	}
	for (int i = 0; w != db && i < STMT_SLOTS; i++)
		if (w->slots[i].active) {
			stmt_reset(&w->slots[i]);
			w->slots[i].active = false;
		}
	if (w != db && w->failed) {
		db->failed = true;
		w->failed = false;
	}
	/* SQLite ends the whole transaction on some errors (a full disk, an I/O error), PostgreSQL when the
	 * connection is lost: the group is lost. */
	bool lost = w->w.open && !in_transaction(w);
	struct member me = {0};
	pthread_mutex_lock(&w->w.m);
	if (keep) {
		me.next = w->w.group;
		w->w.group = &me;
		w->w.members++;
	}
	bool gathering = !lost && w->w.open && w->w.members < GROUP_MAX;
	bool pass = gathering && w->w.waiting > 0;
	/* While the last group's sync is under way the disk is busy: this group stays open and gathers
	 * members until the sync ends, and whoever ends it commits the group (commit_deferred). */
	bool defer = !pass && gathering && w->w.members > 0 && w->w.syncing > 0;
	struct member *group = NULL;
	if (pass || defer) {
		w->w.deferred |= defer;
		w->w.held = false;
		pthread_cond_signal(&w->w.free_cv);
	} else {
		group = w->w.group;
		w->w.group = NULL;
		w->w.members = 0;
		w->w.deferred = false;
	}
	pthread_mutex_unlock(&w->w.m);
	held_writer = NULL;
	db->holding = false;
	if (pass || defer) {
		pthread_mutex_lock(&w->w.m);
		while (keep && !me.done)
			pthread_cond_wait(&w->w.done_cv, &w->w.m);
		pthread_mutex_unlock(&w->w.m);
		return keep ? me.rc : rc;
	}
	enum db_rc group_rc = commit_group(w, group, lost);
	if (group_rc != DB_OK)
		db->failed = true;
	commit_deferred(w);
	return keep ? group_rc : rc;
}

enum db_rc db_commit(struct db *db)
{
	if (!db->holding)
		return DB_ERROR;
	enum db_rc rc = finish(db, true);
	soon_settled(db, rc == DB_OK);
	return rc;
}

void db_rollback(struct db *db)
{
	if (!db->holding)
		return;
	finish(db, false);
	soon_settled(db, false);
}

void db_snapshot_begin(struct db *db)
{
	if (db->writer == db || db->holding || in_transaction(db))
		return; /* reads as before, one statement at a time */
	if (db->pg) /* READ COMMITTED, PostgreSQL's default, would take a snapshot per statement */
		pg_begin_snapshot(db->pg);
	else if (run(db, "BEGIN") != DB_OK)
		log_error("sqlite: cannot begin a read transaction: %s", sqlite3_errmsg(db->h));
}

void db_snapshot_end(struct db *db)
{
	if (db->writer == db || !in_transaction(db))
		return;
	for (int i = 0; i < STMT_SLOTS; i++)
		if (db->slots[i].active)
			db_done(&db->slots[i]);
	run(db, "COMMIT");
}

bool db_request_end(struct db *db)
{
	for (int i = 0; i < STMT_SLOTS; i++)
		if (db->slots[i].active)
			db_done(&db->slots[i]);
	if (db->holding) {
		log_error("db: a request left a transaction open; rolled back");
		db_rollback(db);
		db->failed = true;
	}
	if (in_transaction(db)) {
		log_error("db: a request left a transaction open on its own connection; rolled back");
		quietly(db, "ROLLBACK");
		db->failed = true;
	}
	soon_made(db, false);
	bool failed = db->failed || misused;
	db->failed = misused = false;
	return failed;
}

void db_fail(struct db *db)
{
	db->failed = true;
}

bool db_failed(const struct db *db)
{
	return db->failed || misused;
}

void db_cache_kib(struct db *db, int kib)
{
	if (db->pg)
		return; /* the server's shared buffers serve every connection */
	char pragma[48];
	snprintf(pragma, sizeof pragma, "PRAGMA cache_size=-%d", kib);
	db_exec_script(db, pragma);
}

int db_bulk_load(struct db *db, bool on)
{
	if (db->pg)
		return db_exec_script(db, on ? "SET synchronous_commit = off" : "SET synchronous_commit = on");
	return db_exec_script(db, on ? "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;"
				     : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-2000;");
}

int db_exec_script(struct db *db, const char *sql)
{
	if (db->pg) {
		int rc = pg_run(db->pg, sql) == DB_OK ? 0 : -1;
		pg_schema_changed(db->pg);
		return rc;
	}
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
	if (db->pg)
		return pg_schema_version(db->pg);
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
	if (db->pg)
		return pg_migrate(db->pg, pg_compat_sql, pg_migrations, migrations_count);
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

bool db_hold_duty(struct db *db, const char *path)
{
	if (db->pg)
		return pg_hold_duty(db->pg);
	if (db->duty_fd >= 0)
		return true;
	char *lock_path = xasprintf("%s-lock", path);
	int fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		log_error("cannot open %s: %s", lock_path, strerror(errno));
	else
		fchmod(fd, 0600); /* whatever the umask, the other processes open it too */
	free(lock_path);
	if (fd < 0)
		return false;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return false;
	}
	db->duty_fd = fd;
	return true;
}

int db_backup(struct db *db, const char *path)
{
	if (db->pg) {
		log_error("backup: a PostgreSQL database is backed up with its own tools (README: PostgreSQL)");
		return -1;
	}
	sqlite3 *dst;
	if (private_database(path, true) != 0)
		return -1;
	if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		log_error("backup: cannot open %s: %s", path, sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return -1;
	}
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", db->h, "main");
	int rc = SQLITE_ERROR;
	if (b) {
		/* One step, so one read transaction: in WAL mode it sees a single snapshot and never blocks the
		 * server's writers. Copying in several steps would start again after every write another
		 * connection commits, and never finish under a steady load. */
		for (int tries = 0; (rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED; tries++) {
			if (tries == 250)
				break;
			sqlite3_sleep(20);
		}
		sqlite3_backup_finish(b);
	}
	if (rc != SQLITE_DONE)
		log_error("backup: %s", sqlite3_errmsg(dst));
	sqlite3_close(dst);
	return rc == SQLITE_DONE ? 0 : -1;
}

int db_schema_version(struct db *db)
{
	return user_version(db);
}

struct db_stmt *db_prepare_built(struct db *db, const char *sql)
{
	struct db_stmt *st = xcalloc(1, sizeof *st);
	st->sql = xstrdup(sql);
	st->db = db;
	bool ok = db->pg ? (st->pg = pg_prepare(db->pg, sql, NULL)) != NULL
			 : sqlite3_prepare_v2(db->h, sql, -1, &st->stmt, NULL) == SQLITE_OK;
	if (!ok) {
		if (db->h)
			log_error("sqlite: cannot prepare: %s", sqlite3_errmsg(db->h));
		log_error("db: a statement that does not prepare\n%s", sql);
		db_stmt_free(st);
		return NULL;
	}
	return st;
}

void db_stmt_free(struct db_stmt *st)
{
	if (st == NULL)
		return;
	sqlite3_finalize(st->stmt);
	pg_stmt_free(st->pg);
	free((char *)st->sql);
	free(st);
}

/* The PostgreSQL connection of db's transaction for a bulk load, or NULL (logged) on SQLite. */
static struct pg *loader(struct db *db)
{
	struct db *t = target(db);
	if (t->pg == NULL)
		log_error("db: a bulk load needs PostgreSQL (COPY)");
	return t->pg;
}

enum db_rc db_load_begin(struct db *db, const char *table, const char *columns)
{
	struct pg *pg = loader(db);
	return pg ? pg_copy_begin(pg, table, columns) : DB_ERROR;
}

enum db_rc db_load_row(struct db *db, const char *const *values, int n)
{
	struct pg *pg = loader(db);
	return pg ? pg_copy_row(pg, values, n) : DB_ERROR;
}

enum db_rc db_load_end(struct db *db, bool complete)
{
	struct pg *pg = loader(db);
	return pg ? pg_copy_end(pg, complete) : DB_ERROR;
}
