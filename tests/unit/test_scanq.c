/* test_scanq.c — the scan queue: threads queueing while a writer flushes must end with every scan
 * written exactly once; a failed write keeps the batch; an empty flush writes nothing; a full batch or
 * a wake-up ends the writer's wait, and a wake-up ends one wait only. */
#include "helpers.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "scanq.h"

enum { THREADS = 8, PER_THREAD = 2500 };

static const char SQL_PLACEMENT[] =
	"INSERT INTO placements (campaign_id, material_id, place, area, quantity, placed_on, lang, code, created_by,"
	" created_at) VALUES ('c', 'm', 'p', 'southend', 1, '2026-01-01', 'en', 'code', 1, 0)";
static const char SQL_USER[] = "INSERT INTO users (email, name, role, created_at) VALUES ('a@b.example', 'A', 'admin', 0)";
static const char SQL_SCANS[] = "SELECT count(*) FROM scans";
static const char SQL_DISTINCT[] = "SELECT count(DISTINCT scanned_at) FROM scans";

static int setup(void **state)
{
	struct test_db *t = test_db_new(true);
	assert_int_equal(db_exec(t->db, SQL_USER, ""), DB_OK);
	assert_int_equal(db_exec(t->db, SQL_PLACEMENT, ""), DB_OK);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	while (scanq_pending() > 0) /* leave nothing for the next test */
		scanq_flush(((struct test_db *)*state)->db);
	test_db_free(*state);
	return 0;
}

struct producer {
	int index;
	int refused;
};

static void *produce(void *arg)
{
	struct producer *p = arg;
	for (int i = 0; i < PER_THREAD; i++)
		/* A distinct time per scan, so the test can tell each one apart. */
		if (!scanq_push(1, (int64_t)p->index * PER_THREAD + i))
			p->refused++;
	return NULL;
}

static void test_concurrent_push_and_flush(void **state)
{
	struct test_db *t = *state;
	pthread_t threads[THREADS];
	struct producer producers[THREADS];
	for (int i = 0; i < THREADS; i++) {
		producers[i] = (struct producer){i, 0};
		assert_int_equal(pthread_create(&threads[i], NULL, produce, &producers[i]), 0);
	}
	/* Flush while the producers run, as the server's writer does. */
	int written = 0, flushes = 0;
	while (written < THREADS * PER_THREAD && flushes < 100000) {
		int n = scanq_flush(t->db);
		assert_true(n >= 0);
		written += n;
		flushes++;
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(threads[i], NULL);
		assert_int_equal(producers[i].refused, 0);
	}
	written += scanq_flush(t->db);
	assert_int_equal(written, THREADS * PER_THREAD);
	assert_int_equal(scanq_pending(), 0);
	assert_int_equal(db_int(t->db, -1, SQL_SCANS, ""), THREADS * PER_THREAD);
	assert_int_equal(db_int(t->db, -1, SQL_DISTINCT, ""), THREADS * PER_THREAD); /* none twice */
}

static void test_empty_flush(void **state)
{
	struct test_db *t = *state;
	assert_int_equal(scanq_flush(t->db), 0);
	assert_int_equal(db_int(t->db, -1, SQL_SCANS, ""), 0);
}

static const char SQL_PLACEMENT_999[] =
	"INSERT INTO placements (id, campaign_id, material_id, place, area, quantity, placed_on, lang, code, created_by,"
	" created_at) VALUES (999, 'c', 'm', 'p', 'southend', 1, '2026-01-01', 'en', 'code999', 1, 0)";

static void test_failed_write_keeps_the_batch(void **state)
{
	struct test_db *t = *state;
	/* Scans of a placement that does not exist yet: the foreign key refuses the batch. */
	for (int i = 0; i < 10; i++)
		assert_true(scanq_push(999, i));
	assert_int_equal(scanq_flush(t->db), -1);
	assert_int_equal(scanq_pending(), 10); /* given back, not lost */
	assert_int_equal(db_int(t->db, -1, SQL_SCANS, ""), 0);
	db_request_end(t->db);
	assert_int_equal(db_exec(t->db, SQL_PLACEMENT_999, ""), DB_OK);
	assert_int_equal(scanq_flush(t->db), 10);
	assert_int_equal(db_int(t->db, -1, SQL_SCANS, ""), 10);
}

/* Waits in scanq_wait are long (WAIT_MS) and must end far sooner (ENDS_WITHIN_S): only a broken
 * wake-up takes the whole wait. The helper threads act after DELAY_US, so the waiter is most likely
 * blocked by then; were it not, the wait would still end, through the checks made before blocking. */
enum { WAIT_MS = 20000, ENDS_WITHIN_S = 10, DELAY_US = 200000 };

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static _Atomic bool acted;

static void *push_a_batch_later(void *arg)
{
	(void)arg;
	usleep(DELAY_US);
	for (int i = 0; i < SCANQ_BATCH - 1; i++)
		scanq_push(1, i);
	acted = true; /* before the push that fills the batch, so the wait it ends sees it */
	scanq_push(1, SCANQ_BATCH - 1);
	return NULL;
}

static void *wake_later(void *arg)
{
	(void)arg;
	usleep(DELAY_US);
	acted = true; /* before the wake, so a wait it ends sees it */
	scanq_wake();
	return NULL;
}

/* Runs fn on a thread while this one waits on an empty queue; returns how long the wait took. */
static double wait_while(void *(*fn)(void *))
{
	assert_int_equal(scanq_pending(), 0);
	acted = false;
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, fn, NULL), 0);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	scanq_wait(WAIT_MS);
	double took = seconds_since(&t0);
	assert_true(acted); /* it was the other thread that ended the wait */
	pthread_join(th, NULL);
	return took;
}

static void test_full_batch_ends_a_wait(void **state)
{
	(void)state;
	assert_true(wait_while(push_a_batch_later) < ENDS_WITHIN_S);
	assert_int_equal(scanq_pending(), SCANQ_BATCH);
}

static void test_wake_ends_a_wait(void **state)
{
	(void)state;
	/* A wake-up during a wait ends it, with nothing queued. */
	assert_true(wait_while(wake_later) < ENDS_WITHIN_S);
	/* It ends that wait only: the next one runs to its timeout. */
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	scanq_wait(300);
	assert_true(seconds_since(&t0) >= 0.2);
	/* A wake-up just before a wait ends it too (the shutdown path: wake, then the writer waits). */
	scanq_wake();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	scanq_wait(WAIT_MS);
	assert_true(seconds_since(&t0) < ENDS_WITHIN_S);
	assert_int_equal(scanq_pending(), 0);
}

int main(void)
{
	test_uk_time();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_concurrent_push_and_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_write_keeps_the_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_batch_ends_a_wait, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wake_ends_a_wait, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
