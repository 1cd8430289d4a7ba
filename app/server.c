/* server.c — the FastCGI server. The master (server_run) opens the listening socket once and forks
 * the children (supervisor.c) that serve on it; each child has worker threads with their own SQLite
 * connections, one shared writer, a scan writer and a thread for background duties. A child waits
 * for SIGTERM/SIGINT and then lets its workers finish what they are doing and stop. libfcgi's own
 * SIGTERM handling would fail reads of requests in flight, so it never sees one. */
#include "server.h"

#include <errno.h>
#include <fcgiapp.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "booking.h"
#include "certificates.h"
#include "db.h"
#include "indicator_pages.h"
#include "indicators.h"
#include "outbox.h"
#include "req.h"
#include "resp.h"
#include "route.h"
#include "scanq.h"
#include "supervisor.h"
#include "util.h"
#include "valid.h"

struct worker {
	pthread_t thread;
	int listen_fd;
	const struct server_opts *opts;
	struct db *db;
	atomic_bool idle; /* waiting in accept: safe to poke */
	bool joined;
};

static atomic_bool stopping;

static double elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Reads exactly len bytes of body; -1 if the client sent less. */
static char *read_body(FCGX_Stream *in, size_t len)
{
	char *body = xmalloc(len + 1);
	size_t got = 0;
	while (got < len) {
		int n = FCGX_GetStr(body + got, (int)(len - got), in);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got != len) {
		free(body);
		return NULL;
	}
	body[len] = '\0';
	return body;
}

static void handle(struct worker *w, FCGX_Request *fr, struct arena *arena)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct req r = {.arena = arena, .db = w->db};
	struct resp o;
	resp_init(&o, arena);
	struct req_raw raw = {
		.method = FCGX_GetParam("REQUEST_METHOD", fr->envp),
		.path = FCGX_GetParam("DOCUMENT_URI", fr->envp),
		.query = FCGX_GetParam("QUERY_STRING", fr->envp),
		.cookie = FCGX_GetParam("HTTP_COOKIE", fr->envp),
		.content_type = FCGX_GetParam("CONTENT_TYPE", fr->envp),
		.authorization = FCGX_GetParam("HTTP_AUTHORIZATION", fr->envp),
		.origin = FCGX_GetParam("HTTP_ORIGIN", fr->envp),
		.sec_fetch_site = FCGX_GetParam("HTTP_SEC_FETCH_SITE", fr->envp),
		.accept = FCGX_GetParam("HTTP_ACCEPT", fr->envp),
		.referer = FCGX_GetParam("HTTP_REFERER", fr->envp),
		.client_addr = FCGX_GetParam("REMOTE_ADDR", fr->envp),
	};
	if (raw.path == NULL)
		raw.path = "/";
	r.path = raw.path;

	int status = 0;
	char *body = NULL;
	const char *clen = FCGX_GetParam("CONTENT_LENGTH", fr->envp);
	long long len = 0;
	if (clen && *clen) {
		char *end;
		len = strtoll(clen, &end, 10);
		if (*end != '\0' || len < 0)
			status = route_error(&r, &o, 400, "The Content-Length header is not valid.");
	}
	if (!status && (size_t)len > route_body_limit(raw.method, raw.path))
		status = route_error(&r, &o, 413, "The request body is larger than this address accepts.");
	if (!status && len > 0) {
		body = read_body(fr->in, (size_t)len);
		if (body == NULL)
			status = route_error(&r, &o, 400, "The request body was cut short.");
		raw.body = body;
		raw.body_len = (size_t)len;
	}
	if (!status)
		status = route_handle(&r, &o, &raw);
	status = resp_settle(&o, status);

	struct buf out = {0};
	resp_serialize(&o, status, true, &out);
	FCGX_PutStr(out.data, (int)out.len, fr->out);
	size_t body_len = resp_body_length(&o, status, r.method == M_HEAD);
	if (body_len)
		FCGX_PutStr(o.body.data, (int)body_len, fr->out);
	buf_free(&out);
	/* The pattern, not the path: paths can carry survey codes, certificate codes or tokens. */
	log_info("%s %s %d %.1fms", req_method_name(r.method), route_log_name(&r), status, elapsed_ms(&t0));
	req_free(&r);
	resp_free(&o);
	free(body);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	FCGX_Request fr;
	/* Start-up, before the first request (it fails only when out of memory). Every die() in this
	 * file is at start-up: a process that cannot open its database or start its threads must not
	 * pretend to serve. Once serving, a failure costs one request (route_handle, resp_settle). */
	if (FCGX_InitRequest(&fr, w->listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0)
		die("cannot initialise a FastCGI request");
	struct arena *arena = arena_new();
	while (!atomic_load(&stopping)) {
		atomic_store(&w->idle, true);
		int rc = FCGX_Accept_r(&fr);
		atomic_store(&w->idle, false);
		if (rc < 0)
			break;
		handle(w, &fr, arena);
		FCGX_Finish_r(&fr);
		arena_clear(arena);
	}
	FCGX_Free(&fr, 1);
	arena_free(arena);
	return NULL;
}

static void on_poke(int sig)
{
	(void)sig;
}

/* Background duties every few seconds, until shutdown, in one process of all (db_hold_duty: two
 * reading the outbox together would each hand the same message to the mail command; the lock goes with
 * its holder, so a re-forked child, the next master's or another host's takes the duty over): issue the
 * certificates of sessions just ended (queuing their e-mails), hand queued mail to the mail command,
 * open lapsed sector reservations to the waiting list, and keep the Board's first figures counted in
 * the cache the processes share once the records stand still. */
static void *mailer_main(void *arg)
{
	const struct server_opts *opts = arg;
	struct db *db = db_open(opts->db_path, false);
	if (db == NULL)
		return NULL;
	db_share_writer(db, opts->writer);
	struct arena *arena = arena_new();
	int64_t versions_seen = -1;
	while (!atomic_load(&stopping)) {
		if (db_hold_duty(db, opts->db_path)) {
			certificates_issue_due(db, arena);
			outbox_flush(db, opts->sendmail);
			booking_release_due(db, arena);
			if (indicator_records_still(db, &versions_seen))
				indicators_warm(db, arena);
			db_request_end(db);
		}
		arena_clear(arena);
		for (int i = 0; i < 50 && !atomic_load(&stopping); i++)
			usleep(100 * 1000);
	}
	arena_free(arena);
	db_close(db);
	return NULL;
}

/* Set only after the last worker has stopped, so the writer's final flush sees every scan. */
static atomic_bool scans_stopping;

/* Writes queued QR scans in batches (SCANQ_BATCH scans or every SCANQ_INTERVAL_MS), one transaction
 * each, and everything left once the workers are gone. */
static void *scan_writer_main(void *arg)
{
	const struct server_opts *opts = arg;
	struct db *db = db_open(opts->db_path, false);
	if (db == NULL)
		die("cannot open the database for the scan writer");
	db_share_writer(db, opts->writer);
	while (!atomic_load(&scans_stopping)) {
		scanq_wait(SCANQ_INTERVAL_MS);
		scanq_flush(db);
		db_request_end(db);
	}
	/* A failed write puts the batch back; keep trying briefly rather than lose scans at exit. */
	for (int tries = 0; scanq_pending() > 0 && tries < 50; tries++) {
		if (scanq_flush(db) < 0)
			usleep(100 * 1000);
		db_request_end(db);
	}
	if (scanq_pending() > 0)
		log_error("%zu scans could not be written before shutdown", scanq_pending());
	db_close(db);
	return NULL;
}

/* One child: its threads serve on the shared listening socket until SIGTERM or SIGINT. */
static int serve_child(void *arg, int slot)
{
	const struct server_opts *opts = arg;
	/* Our own no-op handler, installed after FCGX_Init and without SA_RESTART, so a poke makes a
	 * blocked accept() return instead of libfcgi's handler flagging every read as failed. */
	struct sigaction sa = {.sa_handler = on_poke};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	sigset_t stop_signals;
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);

	/* One connection makes every write of this process (db_share_writer): its cache stays warm and
	 * transactions that finish together are committed together. Between processes, SQLite's file
	 * lock decides; db.c waits for it in short sleeps and makes the writers take turns. */
	struct db *writer = db_open(opts->db_path, false);
	if (writer == NULL)
		return 1;
	db_cache_kib(writer, 8192);
	char *turns = xasprintf("%s-lock", opts->db_path);
	db_take_turns(writer, turns);
	free(turns);
	db_checkpoint_apart(writer, opts->db_path);
	db_sync_apart(writer, opts->db_path);
	struct server_opts shared = *opts;
	shared.writer = writer;
	opts = &shared;
	int n = opts->threads;
	struct worker *workers = xcalloc((size_t)n, sizeof *workers);
	for (int i = 0; i < n; i++) {
		workers[i].listen_fd = opts->listen_fd;
		workers[i].opts = opts;
		workers[i].db = db_open(opts->db_path, false);
		if (workers[i].db == NULL)
			die("cannot open the database for worker %d", i);
		db_share_writer(workers[i].db, writer);
		if (pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]) != 0)
			die("cannot start worker %d", i);
	}
	pthread_t mailer, scan_writer;
	pthread_create(&mailer, NULL, mailer_main, (void *)opts);
	if (pthread_create(&scan_writer, NULL, scan_writer_main, (void *)opts) != 0)
		die("cannot start the scan writer");
	log_info("child %d serving with %d threads", slot, n);

	int sig = 0;
	sigwait(&stop_signals, &sig);
	log_info("child %d: signal %d: finishing requests in flight", slot, sig);
	atomic_store(&stopping, true);
	/* The listening socket is the other children's too, so it stays open: idle workers are poked out
	 * of accept() instead, and busy ones finish their request and then see the flag. */
	for (int left = n; left > 0;) {
		left = 0;
		for (int i = 0; i < n; i++) {
			if (workers[i].joined)
				continue;
			if (pthread_tryjoin_np(workers[i].thread, NULL) == 0) {
				workers[i].joined = true;
				db_close(workers[i].db);
				continue;
			}
			left++;
			if (atomic_load(&workers[i].idle))
				pthread_kill(workers[i].thread, SIGUSR1);
		}
		if (left)
			usleep(10 * 1000);
	}
	/* Every worker has finished, so no scan can be queued any more: now drain the queue. */
	atomic_store(&scans_stopping, true);
	scanq_wake();
	pthread_join(scan_writer, NULL);
	pthread_join(mailer, NULL);
	db_close(writer);
	free(workers);
	log_info("child %d stopped", slot);
	return 0;
}

enum server_address server_address_kind(const char *address)
{
	/* libfcgi (OS_CreateLocalIpcFd) reads the first colon's tail with atoi: TCP if that is not 0. */
	const char *colon = strchr(address, ':');
	long long port;
	if (colon == NULL)
		return SERVER_UNIX;
	return valid_int(colon + 1, 1, 65535, &port) ? SERVER_TCP : SERVER_BAD_ADDRESS;
}

int server_run(const struct server_opts *opts)
{
	struct db *check = db_open(opts->db_path, false);
	if (check == NULL)
		return 1;
	if (!db_is_current(check)) {
		char *shown = db_shown_name(opts->db_path);
		log_error("the database %s needs migrating: run lantern --db %s init", shown, shown);
		free(shown);
		db_close(check);
		return 1;
	}
	if (auth_load_secrets(check) != 0) {
		log_error("cannot load the server secrets");
		db_close(check);
		return 1;
	}
	/* Closed before forking: a SQLite connection must not cross a fork. */
	db_close(check);

	if (FCGX_Init() != 0)
		die("FCGX_Init failed");
	/* A TCP address has no file to clear away (nor to leave behind below). */
	bool tcp = server_address_kind(opts->socket_path) == SERVER_TCP;
	if (!tcp)
		unlink(opts->socket_path);
	mode_t old_umask = umask(0117);
	/* A deep queue of waiting connections: a burst (a poster scanned by a crowd) waits for a worker
	 * rather than nginx answering 502. The kernel caps it at net.core.somaxconn. */
	int fd = FCGX_OpenSocket(opts->socket_path, 1024);
	umask(old_umask);
	if (fd < 0) {
		log_error("cannot listen on %s", opts->socket_path);
		return 1;
	}
	/* Figures one process counts serve every process, and a process forked to replace one that died
	 * starts with them rather than counting them again (about 1 s of CPU on the bench data). */
	if (indicators_share_cache() != 0)
		log_error("cannot share the cache of figures between processes: each counts its own");
	struct server_opts child = *opts;
	child.listen_fd = fd;
	log_info("serving on %s with %d processes of %d threads", opts->socket_path, opts->processes, opts->threads);
	int rc = supervisor_run(opts->processes, serve_child, &child);
	close(fd);
	if (!tcp)
		unlink(opts->socket_path);
	log_info("stopped");
	return rc;
}
