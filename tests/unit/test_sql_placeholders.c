/* test_sql_placeholders.c — SQLite's parameters rewritten as PostgreSQL's, numbered as SQLite numbers
 * them, with strings, identifiers, comments and casts left alone. */
#include "helpers.h"

#include "sql_placeholders.h"

struct rewrite_case {
	const char *in, *out;
	int count;
};

static void test_positional(void **state)
{
	(void)state;
	static const struct rewrite_case cases[] = {
		{"SELECT 1", "SELECT 1", 0},
		{"SELECT ? + ?", "SELECT $1 + $2", 2},
		{"WHERE a = ?1 AND (?2 = '' OR b = ?2)", "WHERE a = $1 AND ($2 = '' OR b = $2)", 2},
		/* ? takes the number after the highest so far, as in SQLite */
		{"VALUES (?3, ?, ?1)", "VALUES ($3, $4, $1)", 4},
		{"SELECT '?', \"a?b\", ? -- why?\n, ? /* ?1 */", "SELECT '?', \"a?b\", $1 -- why?\n, $2 /* ?1 */", 2},
		{"SELECT 'it''s ?', ?", "SELECT 'it''s ?', $1", 1},
		/* text written for PostgreSQL alone keeps its own numbers and casts */
		{"SELECT $2::text, $1", "SELECT $2::text, $1", 2},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct sql_params p;
		assert_int_equal(sql_params_rewrite(cases[i].in, &p), 0);
		assert_string_equal(p.sql, cases[i].out);
		assert_int_equal(p.count, cases[i].count);
		for (int k = 0; k < p.count; k++)
			assert_null(p.names[k]);
		sql_params_free(&p);
	}
}

static void test_named(void **state)
{
	(void)state;
	struct sql_params p;
	assert_int_equal(sql_params_rewrite("SELECT :b || ':' || :a, :b, @c, x::text, '10:30' WHERE t = :a", &p), 0);
	assert_string_equal(p.sql, "SELECT $1 || ':' || $2, $1, $3, x::text, '10:30' WHERE t = $2");
	assert_int_equal(p.count, 3);
	assert_string_equal(p.names[0], ":b");
	assert_string_equal(p.names[1], ":a");
	assert_string_equal(p.names[2], "@c");
	sql_params_free(&p);
	sql_params_free(&p); /* harmless */
}

static void test_out_of_range(void **state)
{
	(void)state;
	struct sql_params p = {0};
	assert_int_equal(sql_params_rewrite("SELECT ?1000", &p), -1);
	assert_int_equal(sql_params_rewrite("SELECT ?0", &p), -1);
	assert_null(p.sql);
	assert_int_equal(sql_params_rewrite("SELECT ?999, ?", &p), -1); /* the next would be 1000 */
	assert_int_equal(sql_params_rewrite("", &p), 0);
	assert_string_equal(p.sql, "");
	sql_params_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_positional),
		cmocka_unit_test(test_named),
		cmocka_unit_test(test_out_of_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
