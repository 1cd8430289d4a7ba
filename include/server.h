/* server.h — the FastCGI server: a master that forks and re-forks child processes, each with worker
 * threads that have their own database connections. */
#ifndef LANTERN_SERVER_H
#define LANTERN_SERVER_H

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

/* What `address` (serve --socket) is: the path of a Unix socket (no colon), HOST:PORT or :PORT with a
 * port from 1 to 65535, where libfcgi listens on TCP (for nginx on another machine), or neither (a colon
 * without such a port after it, which libfcgi would take for TCP or a path by rules of its own). */
enum server_address { SERVER_UNIX, SERVER_TCP, SERVER_BAD_ADDRESS };
enum server_address server_address_kind(const char *address);

/* Serves until SIGTERM or SIGINT, replacing any child that dies, then lets every child finish its
 * requests in flight. Returns the exit status. */
int server_run(const struct server_opts *opts);

#endif
