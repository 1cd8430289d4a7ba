/* helpers.h — shared by the cmocka unit tests: cmocka's includes, UK time, temporary databases
 * and a few string checks. Header-only; every function is static. */
#ifndef LANTERN_TEST_HELPERS_H
#define LANTERN_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the four above first. */
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "db.h"
#include "util.h"

/* main() of the real program runs in UK time; so must the tests. */
static inline void test_uk_time(void)
{
	setenv("TZ", "Europe/London", 1);
	tzset();
}

/* Pins now_utc() (LANTERN_NOW) to t; test_unpin_now() returns to the wall clock. */
static inline void test_pin_now(int64_t t)
{
	char s[32];
	snprintf(s, sizeof s, "%lld", (long long)t);
	setenv("LANTERN_NOW", s, 1);
}

static inline void test_unpin_now(void)
{
	unsetenv("LANTERN_NOW");
}

/* Loads the courses and campaigns of the repository (the tests run from its root); fails the test
 * on any problem. */
static inline void test_load_catalog(void)
{
	struct buf errors = {0};
	int problems = catalog_load(".", &errors);
	if (problems)
		fprintf(stderr, "%s", errors.data);
	buf_free(&errors);
	assert_int_equal(problems, 0);
}

/* A temporary database file under /tmp, removed (with its WAL files) by test_db_free. */
struct test_db {
	char path[64];
	struct db *db;
};

/* Creates an empty file with mkstemp and opens it; migrate: apply the schema too. Fails the test
 * on any error. The caller frees with test_db_free. */
static inline struct test_db *test_db_new(bool migrate)
{
	struct test_db *t = calloc(1, sizeof *t);
	assert_non_null(t);
	snprintf(t->path, sizeof t->path, "/tmp/lantern-unit-XXXXXX");
	int fd = mkstemp(t->path);
	assert_true(fd >= 0);
	close(fd);
	t->db = db_open(t->path, true);
	assert_non_null(t->db);
	if (migrate)
		assert_int_equal(db_migrate(t->db), 0);
	return t;
}

/* Removes a database file and its -wal and -shm companions. */
static inline void test_db_unlink(const char *path)
{
	char side[80];
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}

static inline void test_db_free(struct test_db *t)
{
	if (t == NULL)
		return;
	db_close(t->db);
	test_db_unlink(t->path);
	free(t);
}

/* How many times needle occurs in haystack (non-overlapping). */
static inline int test_count(const char *haystack, const char *needle)
{
	int n = 0;
	size_t len = strlen(needle);
	for (const char *p = haystack; (p = strstr(p, needle)) != NULL; p += len)
		n++;
	return n;
}

/* Fails with both strings shown when needle is not in haystack. */
#define assert_contains(haystack, needle)                                                                       \
	do {                                                                                                    \
		const char *h_ = (haystack), *n_ = (needle);                                                    \
		if (h_ == NULL || strstr(h_, n_) == NULL)                                                       \
			fail_msg("expected to find\n  %s\nin\n  %s", n_, h_ ? h_ : "(null)");                    \
	} while (0)

#define assert_not_contains(haystack, needle)                                                                   \
	do {                                                                                                    \
		const char *h_ = (haystack), *n_ = (needle);                                                    \
		if (h_ != NULL && strstr(h_, n_) != NULL)                                                       \
			fail_msg("did not expect to find\n  %s\nin\n  %s", n_, h_);                              \
	} while (0)

#endif
