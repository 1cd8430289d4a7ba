/* test_supervisor.c — the pre-fork master (app/supervisor.c): its restart delays, that a child
 * failing as it starts is forked again after growing waits rather than in a loop, and that a stop
 * signal ends every child and the master with the right status. The children here are forked for
 * real; each start is counted in a file, since a child's memory dies with it. */
#include "helpers.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include "supervisor.h"

static void test_delays(void **state)
{
	(void)state;
	static const struct {
		int64_t lived;
		int previous, want;
	} cases[] = {
		{5000, 0, 0},                                            /* a long life: at once */
		{SUPERVISOR_QUICK_MS, 800, 0},                           /* long enough resets the wait */
		{10, 0, SUPERVISOR_FIRST_DELAY_MS},                      /* the first quick failure */
		{10, SUPERVISOR_FIRST_DELAY_MS, 2 * SUPERVISOR_FIRST_DELAY_MS}, /* then doubling */
		{999, 3200, 6400},
		{10, SUPERVISOR_MAX_DELAY_MS / 2, SUPERVISOR_MAX_DELAY_MS}, /* up to the maximum */
		{10, SUPERVISOR_MAX_DELAY_MS, SUPERVISOR_MAX_DELAY_MS},     /* and no further */
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		assert_int_equal(supervisor_delay_ms(cases[i].lived, cases[i].previous), cases[i].want);
}

struct plan {
	char starts[64]; /* a file that gets one byte per start */
	int stop_after;  /* on this start the child asks the master to stop */
	int stop_status; /* what the child returns when told to stop */
};

static long starts(const struct plan *p)
{
	struct stat st;
	return stat(p->starts, &st) == 0 ? (long)st.st_size : -1;
}

/* Fails at once (as with a broken database) until its stop_after-th start; then sends the master
 * SIGTERM and waits for the SIGTERM the master sends it in turn. */
static int child(void *arg, int slot)
{
	const struct plan *p = arg;
	(void)slot;
	int fd = open(p->starts, O_WRONLY | O_APPEND | O_CREAT, 0600);
	if (fd < 0 || write(fd, "x", 1) != 1)
		return 2;
	close(fd);
	if (starts(p) < p->stop_after)
		return 3;
	sigset_t term;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	kill(getppid(), SIGTERM);
	int sig;
	sigwait(&term, &sig);
	return p->stop_status;
}

static int64_t ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (int64_t)(t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void test_quick_failures_back_off(void **state)
{
	(void)state;
	struct plan p = {.stop_after = 4, .stop_status = 0};
	snprintf(p.starts, sizeof p.starts, "/tmp/lantern-supervisor-%d", (int)getpid());
	unlink(p.starts);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(supervisor_run(1, child, &p), 0);
	/* Three quick failures: waits of 100, 200 and 400 ms before the second, third and fourth starts. */
	assert_int_equal(starts(&p), 4);
	assert_true(ms_since(&t0) >= 7 * SUPERVISOR_FIRST_DELAY_MS);
	unlink(p.starts);
}

static void test_a_child_failing_to_stop_fails_the_master(void **state)
{
	(void)state;
	struct plan p = {.stop_after = 1, .stop_status = 1};
	snprintf(p.starts, sizeof p.starts, "/tmp/lantern-supervisor-%d", (int)getpid());
	unlink(p.starts);
	assert_int_equal(supervisor_run(1, child, &p), 1);
	assert_int_equal(starts(&p), 1);
	unlink(p.starts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delays),
		cmocka_unit_test(test_quick_failures_back_off),
		cmocka_unit_test(test_a_child_failing_to_stop_fails_the_master),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
