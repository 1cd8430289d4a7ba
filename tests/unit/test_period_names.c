/* test_period_names.c — the period names campaign reach accepts, through the one period parser
 * (spec §2), as half-open date ranges; and the placement short-code normaliser people's typing goes
 * through. */
#include "helpers.h"

#include "period.h"
#include "placements.h"

static void test_valid_periods(void **state)
{
	(void)state;
	static const struct {
		const char *name, *from, *to;
	} cases[] = {
		{"2025", "2025-01-01", "2026-01-01"},
		{"2025-07", "2025-07-01", "2025-08-01"},
		{"2025-12", "2025-12-01", "2026-01-01"},
		{"FY2025-26", "2025-04-01", "2026-04-01"},
		{"FY2025-26-Q1", "2025-04-01", "2025-07-01"},
		{"FY2025-26-Q3", "2025-10-01", "2026-01-01"},
		{"FY2025-26-Q4", "2026-01-01", "2026-04-01"},
		{"FY2099-00", "2099-04-01", "2100-04-01"},
		{"AY2025-26", "2025-09-01", "2026-09-01"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct period p;
		char from[11], to[11];
		assert_true(period_parse(cases[i].name, &p));
		period_date_text(&p.from, from);
		period_date_text(&p.to, to);
		assert_string_equal(from, cases[i].from);
		assert_string_equal(to, cases[i].to);
	}
}

static void test_invalid_periods(void **state)
{
	(void)state;
	static const char *const bad[] = {
		NULL, "", "25", "20251", "2025-00", "2025-13", "2025-1", "FY2025-27", "FY2025-2", "FY2025-26-Q0",
		"FY2025-26-Q5", "FY2025-26Q1", "fy2025-26", "AY2025-26-Q1", "2025-07-01", " 2025",
		"2025 ", "FY20x5-26", "Q1", "AY2025-25",
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct period p = {.from = {.y = -7}};
		if (period_parse(bad[i], &p))
			fail_msg("accepted \"%s\"", bad[i] ? bad[i] : "(null)");
		assert_int_equal(p.from.y, -7); /* untouched */
	}
}

static void test_code_normalise(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	assert_string_equal(placements_normalise_code(a, "ab12cd34ef"), "ab12cd34ef");
	assert_string_equal(placements_normalise_code(a, "AB12CD34EF"), "ab12cd34ef");
	assert_string_equal(placements_normalise_code(a, "oOiIlL"), "001111");
	assert_null(placements_normalise_code(a, ""));
	assert_null(placements_normalise_code(a, NULL));
	assert_null(placements_normalise_code(a, "abcdefghjkmnpqrst")); /* 17: too long */
	assert_null(placements_normalise_code(a, "abc-def"));
	assert_null(placements_normalise_code(a, "abcu")); /* u is not in the alphabet */
	assert_null(placements_normalise_code(a, "caf\xc3\xa9"));
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_periods),
		cmocka_unit_test(test_invalid_periods),
		cmocka_unit_test(test_code_normalise),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
