/* supervisor.c — the pre-fork master. It has one thread and takes its signals with sigtimedwait, so
 * there is no handler to race with; children are reaped with waitpid and forked again at once, or
 * after a growing wait when they keep failing as they start (a broken database), so it never spins. */
#include "supervisor.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

struct slot {
	pid_t pid;          /* 0 while not running */
	int64_t started;    /* ms on the monotonic clock */
	int64_t next_start; /* when it may be forked again */
	int delay;          /* ms waited before its last start */
};

static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* SIGCHLD needs a handler of its own to stay pending for sigtimedwait; it never runs while blocked. */
static void on_child(int sig)
{
	(void)sig;
}

int supervisor_delay_ms(int64_t lived_ms, int previous_ms)
{
	if (lived_ms >= SUPERVISOR_QUICK_MS)
		return 0;
	if (previous_ms <= 0)
		return SUPERVISOR_FIRST_DELAY_MS;
	return previous_ms >= SUPERVISOR_MAX_DELAY_MS / 2 ? SUPERVISOR_MAX_DELAY_MS : previous_ms * 2;
}

static void start(struct slot *s, int index, int (*child)(void *, int), void *arg, pid_t master)
{
	fflush(NULL); /* or the child would write the master's buffered output again */
	pid_t pid = fork();
	if (pid < 0) {
		log_error("cannot start child %d: %s", index, strerror(errno));
		s->next_start = now_ms() + SUPERVISOR_FIRST_DELAY_MS;
		return;
	}
	if (pid == 0) {
		/* A child outliving its master would keep serving beside the next master's children. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != master)
			_exit(0);
		/* The default (ignore) again: a handler would interrupt the workers' accept() whenever the
		 * mail command exits. SIGTERM and SIGINT stay blocked for the child's own sigwait. */
		signal(SIGCHLD, SIG_DFL);
		sigset_t chld;
		sigemptyset(&chld);
		sigaddset(&chld, SIGCHLD);
		sigprocmask(SIG_UNBLOCK, &chld, NULL);
		exit(child(arg, index));
	}
	s->pid = pid;
	s->started = now_ms();
	log_info("child %d started (pid %d)", index, (int)pid);
}

/* Collects every child that has exited and schedules its replacement. Returns false if one that
 * was told to stop failed doing so (a sanitizer's leak report, say). */
static bool reap(struct slot *slots, int n, bool stopping)
{
	bool clean = true;
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		int i = 0;
		while (i < n && slots[i].pid != pid)
			i++;
		if (i == n)
			continue;
		int64_t now = now_ms(), lived = now - slots[i].started;
		slots[i].pid = 0;
		char how[48];
		if (WIFSIGNALED(status))
			snprintf(how, sizeof how, "was killed by signal %d", WTERMSIG(status));
		else
			snprintf(how, sizeof how, "exited with status %d", WEXITSTATUS(status));
		if (stopping) {
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
				log_error("child %d (pid %d) %s while stopping", i, (int)pid, how);
				clean = false;
			}
			continue;
		}
		slots[i].delay = supervisor_delay_ms(lived, slots[i].delay);
		slots[i].next_start = now + slots[i].delay;
		if (slots[i].delay)
			log_error("child %d (pid %d) %s %lld ms after starting; starting it again in %d ms", i, (int)pid,
				  how, (long long)lived, slots[i].delay);
		else
			log_error("child %d (pid %d) %s; starting another", i, (int)pid, how);
	}
	return clean;
}

int supervisor_run(int n, int (*child)(void *arg, int slot), void *arg)
{
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	struct sigaction sa = {.sa_handler = on_child}, old_chld;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, &old_chld);

	pid_t master = getpid();
	struct slot *slots = xcalloc((size_t)n, sizeof *slots);
	bool stopping = false, forced = false, clean = true;
	int64_t stop_by = 0;
	for (;;) {
		int64_t now = now_ms(), wait = 1000;
		int running = 0;
		for (int i = 0; i < n; i++) {
			if (!stopping && slots[i].pid == 0) {
				if (now >= slots[i].next_start)
					start(&slots[i], i, child, arg, master);
				else if (slots[i].next_start - now < wait)
					wait = slots[i].next_start - now;
			}
			running += slots[i].pid != 0;
		}
		if (stopping && running == 0)
			break;
		if (stopping && !forced && now >= stop_by) {
			log_error("%d children still busy after %d s; killing them", running, SUPERVISOR_STOP_GRACE_S);
			for (int i = 0; i < n; i++)
				if (slots[i].pid)
					kill(slots[i].pid, SIGKILL);
			forced = true;
			clean = false;
		} else if (stopping && !forced && stop_by - now < wait) {
			wait = stop_by - now;
		}
		struct timespec ts = {.tv_sec = (time_t)(wait / 1000), .tv_nsec = (long)(wait % 1000) * 1000000L};
		int sig = sigtimedwait(&set, NULL, &ts);
		if ((sig == SIGTERM || sig == SIGINT) && !stopping) {
			log_info("signal %d: stopping %d children", sig, running);
			stopping = true;
			stop_by = now_ms() + SUPERVISOR_STOP_GRACE_S * 1000;
			for (int i = 0; i < n; i++)
				if (slots[i].pid)
					kill(slots[i].pid, SIGTERM);
		}
		if (!reap(slots, n, stopping))
			clean = false;
	}
	sigaction(SIGCHLD, &old_chld, NULL);
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(slots);
	return clean ? 0 : 1;
}
