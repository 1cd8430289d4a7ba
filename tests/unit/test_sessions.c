/* test_sessions.c — SESSION_COLUMNS and sessions_from_row() agree: the reader takes every column the
 * list names and no more, so a query's own columns after the list are where its return says. */
#include "helpers.h"

#include "sessions.h"

/* One row of NULL session columns (no session is needed), then a column of the query's own. */
static const char SQL_ROW[] = "SELECT " SESSION_COLUMNS ", 'after' FROM (SELECT 1) LEFT JOIN sessions s ON 0";

static void test_columns_read(void **state)
{
	(void)state;
	struct test_db *t = test_db_new(true);
	struct arena *a = arena_new();
	struct session s;
	struct db_stmt *st = db_query(t->db, SQL_ROW, "");
	assert_true(db_next(st));
	int c = sessions_from_row(st, a, &s);
	const char *after = db_col_text(st, c); /* NULL past the row's end */
	assert_non_null(after);
	assert_string_equal(after, "after");
	db_done(st);
	arena_free(a);
	test_db_free(t);
}

int main(void)
{
	test_uk_time();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_columns_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
