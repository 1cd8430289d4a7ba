/* test_scanq.c — the scan queue: threads queueing while a writer flushes must end with every scan
 * written exactly once; a failed write keeps the batch; an empty flush writes nothing. */
#include "helpers.h"

#include <pthread.h>

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

static void test_push_wakes_writer_at_batch(void **state)
{
	(void)state;
	for (int i = 0; i < SCANQ_BATCH; i++)
		assert_true(scanq_push(1, i));
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	scanq_wait(5000); /* returns at once: a full batch is waiting */
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 2);
	scanq_wake();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	scanq_wait(5000); /* and a wake-up ends a wait too */
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 2);
}

int main(void)
{
	test_uk_time();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_concurrent_push_and_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_write_keeps_the_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_wakes_writer_at_batch, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
