/* server.h — the FastCGI server: worker threads, each with its own database connection. */
#ifndef LANTERN_SERVER_H
#define LANTERN_SERVER_H

struct db;

struct server_opts {
	const char *db_path;
	const char *socket_path;
	int threads;
	const char *sendmail; /* command that takes a message on stdin, or NULL to leave mail queued */
	struct db *writer;    /* set by server_run: the connection all threads write through */
};

/* Serves until SIGTERM or SIGINT, then finishes requests in flight. Returns the exit status. */
int server_run(const struct server_opts *opts);

#endif
