/* test_period.c — period names (app/period.c), table-driven: all five forms of spec §2, their
 * boundaries, names that must be refused, and the UTC bounds at local (Europe/London) midnight. */
#include "helpers.h"

#include "period.h"

static void test_good_periods(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		enum period_kind kind;
		const char *from, *to, *last;
	} cases[] = {
		{"2025", PERIOD_YEAR, "2025-01-01", "2026-01-01", "2025-12-31"},
		{"1900", PERIOD_YEAR, "1900-01-01", "1901-01-01", "1900-12-31"},
		{"2199", PERIOD_YEAR, "2199-01-01", "2200-01-01", "2199-12-31"},
		{"2025-07", PERIOD_MONTH, "2025-07-01", "2025-08-01", "2025-07-31"},
		{"2025-01", PERIOD_MONTH, "2025-01-01", "2025-02-01", "2025-01-31"},
		{"2025-12", PERIOD_MONTH, "2025-12-01", "2026-01-01", "2025-12-31"}, /* the year turns */
		{"2024-02", PERIOD_MONTH, "2024-02-01", "2024-03-01", "2024-02-29"}, /* leap year */
		{"2025-02", PERIOD_MONTH, "2025-02-01", "2025-03-01", "2025-02-28"},
		{"2000-02", PERIOD_MONTH, "2000-02-01", "2000-03-01", "2000-02-29"},
		{"2100-02", PERIOD_MONTH, "2100-02-01", "2100-03-01", "2100-02-28"},
		{"FY2025-26", PERIOD_FY, "2025-04-01", "2026-04-01", "2026-03-31"},
		{"FY1999-00", PERIOD_FY, "1999-04-01", "2000-04-01", "2000-03-31"}, /* the century turns */
		{"FY2025-26-Q1", PERIOD_FY_QUARTER, "2025-04-01", "2025-07-01", "2025-06-30"},
		{"FY2025-26-Q2", PERIOD_FY_QUARTER, "2025-07-01", "2025-10-01", "2025-09-30"},
		{"FY2025-26-Q3", PERIOD_FY_QUARTER, "2025-10-01", "2026-01-01", "2025-12-31"},
		{"FY2025-26-Q4", PERIOD_FY_QUARTER, "2026-01-01", "2026-04-01", "2026-03-31"},
		{"FY2023-24-Q4", PERIOD_FY_QUARTER, "2024-01-01", "2024-04-01", "2024-03-31"},
		{"AY2025-26", PERIOD_AY, "2025-09-01", "2026-09-01", "2026-08-31"},
		{"AY2099-00", PERIOD_AY, "2099-09-01", "2100-09-01", "2100-08-31"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct period p;
		if (!period_parse(cases[i].s, &p))
			fail_msg("period_parse(\"%s\") refused it", cases[i].s);
		char from[11], to[11], last[11];
		struct period_date ld;
		period_date_text(&p.from, from);
		period_date_text(&p.to, to);
		period_last_day(&p, &ld);
		period_date_text(&ld, last);
		if (p.kind != cases[i].kind || strcmp(from, cases[i].from) != 0 || strcmp(to, cases[i].to) != 0 ||
		    strcmp(last, cases[i].last) != 0 || strcmp(p.name, cases[i].s) != 0)
			fail_msg("period_parse(\"%s\"): kind %d [%s, %s) last %s name %s; want kind %d [%s, %s) last %s",
				 cases[i].s, p.kind, from, to, last, p.name, cases[i].kind, cases[i].from, cases[i].to,
				 cases[i].last);
	}
}

static void test_bad_periods(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "202", "20255", "1899", "2200", "abcd", " 2025", "2025 ", "+2025", "-2025",
		"2025-00", "2025-13", "2025-7", "2025-007", "2025/07", "2025-1a", "2025-07-01",
		"FY2025", "FY2025-27", "FY2025-25", "FY2025-2026", "FY25-26", "fy2025-26", "FY2025_26", "FY 2025-26",
		"FY2025-26-Q0", "FY2025-26-Q5", "FY2025-26-Q", "FY2025-26-Q11", "FY2025-26-q1", "FY2025-26Q1",
		"FY2025-27-Q1", "AY2025", "AY2025-27", "AY2025-2026", "ay2025-26", "AY2025-26-Q1", "AY1899-00",
		"CY2025", "Q1", "2025-26",
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct period p = {.name = "untouched"};
		if (period_parse(bad[i], &p))
			fail_msg("period_parse(\"%s\") accepted it as %s", bad[i], p.name);
		assert_string_equal(p.name, "untouched");
	}
	struct period p;
	assert_false(period_parse(NULL, &p));
}

static void test_academic_year_of_a_date(void **state)
{
	(void)state;
	static const struct {
		int y, m, d;
		const char *want;
	} cases[] = {
		{2025, 9, 1, "AY2025-26"},  {2026, 8, 31, "AY2025-26"}, {2026, 9, 1, "AY2026-27"},
		{2026, 1, 15, "AY2025-26"}, {2025, 8, 31, "AY2024-25"}, {2099, 12, 31, "AY2099-00"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct period p;
		period_academic_year(cases[i].y, cases[i].m, cases[i].d, &p);
		if (strcmp(p.name, cases[i].want) != 0 || p.kind != PERIOD_AY)
			fail_msg("%04d-%02d-%02d is in %s, want %s", cases[i].y, cases[i].m, cases[i].d, p.name, cases[i].want);
	}
}

/* Boundaries are local midnight: 1 September is in summer time (23:00 UTC the day before), 1 January
 * is not; an instant just before a boundary belongs to the earlier period. */
static void test_bounds_utc(void **state)
{
	(void)state;
	test_uk_time();
	struct period p;
	int64_t from, to;
	assert_true(period_parse("AY2025-26", &p));
	period_bounds_utc(&p, &from, &to);
	assert_int_equal(from, 1756681200); /* 2025-08-31T23:00:00Z */
	assert_int_equal(to, 1788217200);   /* 2026-08-31T23:00:00Z */
	assert_true(period_parse("2026", &p));
	period_bounds_utc(&p, &from, &to);
	assert_int_equal(from, 1767225600); /* 2026-01-01T00:00:00Z */
	assert_int_equal(to, 1798761600);   /* 2027-01-01T00:00:00Z */
	assert_true(period_parse("FY2025-26-Q1", &p));
	period_bounds_utc(&p, &from, &to);
	assert_int_equal(from, 1743462000); /* 2025-03-31T23:00:00Z: BST began on 30 March */
	assert_int_equal(to, 1751324400);   /* 2025-06-30T23:00:00Z */

	period_academic_year_at(1756681200 - 1, &p); /* 23:59:59 on 31 August, London */
	assert_string_equal(p.name, "AY2024-25");
	period_academic_year_at(1756681200, &p); /* midnight, 1 September */
	assert_string_equal(p.name, "AY2025-26");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_periods),
		cmocka_unit_test(test_bad_periods),
		cmocka_unit_test(test_academic_year_of_a_date),
		cmocka_unit_test(test_bounds_utc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
