/* supervisor.h — the pre-fork master (as php-fpm runs it): forks a fixed number of children, forks a
 * new one whenever one exits or is killed, and stops them all on SIGTERM or SIGINT. The master does
 * no request work, so nothing a request carries can stop it. */
#ifndef LANTERN_SUPERVISOR_H
#define LANTERN_SUPERVISOR_H

#include <stdint.h>

enum {
	SUPERVISOR_QUICK_MS = 1000,      /* a child that lived less than this failed rather than was killed */
	SUPERVISOR_FIRST_DELAY_MS = 100, /* the wait before restarting it, doubled for each quick failure */
	SUPERVISOR_MAX_DELAY_MS = 10000,
	SUPERVISOR_STOP_GRACE_S = 15, /* then children still finishing requests are killed */
};

/* Runs child(arg, slot) in each of n forked children (slot 0..n-1) until SIGTERM or SIGINT; the
 * child's return value is its exit status. Each child gets SIGTERM if the master dies. Returns the
 * master's exit status once every child has gone: 0 if each stopped cleanly when told to. Call with
 * no other thread running: fork copies only the caller's. */
int supervisor_run(int n, int (*child)(void *arg, int slot), void *arg);

/* How long to wait before restarting a child that lived lived_ms, given the wait before its last
 * start (0 if none): none after a long life, else SUPERVISOR_FIRST_DELAY_MS doubling to the maximum. */
int supervisor_delay_ms(int64_t lived_ms, int previous_ms);

#endif
