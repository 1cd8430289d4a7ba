/* server.h — the FastCGI server: a master that forks and re-forks child processes, each with worker
 * threads that have their own database connections. */
#ifndef LANTERN_SERVER_H
#define LANTERN_SERVER_H

#include <stdbool.h>

struct db;

struct server_opts {
	const char *db_path;
	const char *socket_path;
	int processes; /* children serving on the one listening socket */
	int threads;   /* worker threads in each */
	const char *sendmail; /* command that takes a message on stdin, or NULL to leave mail queued */
	int listen_fd;        /* set by server_run: the listening socket the children share */
	struct db *writer;    /* set in each child: the connection all its threads write through */
};

/* True if `address` (serve --socket) is HOST:PORT or :PORT, where libfcgi listens on TCP (for nginx on
 * another machine), rather than the path of a Unix socket. */
bool server_listens_on_tcp(const char *address);

/* Serves until SIGTERM or SIGINT, replacing any child that dies, then lets every child finish its
 * requests in flight. Returns the exit status. */
int server_run(const struct server_opts *opts);

#endif
