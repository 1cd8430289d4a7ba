/* test_board.c — the pure rules behind the Board's dashboard: moving between periods and writing them
 * for people, the periods offered, figures to their precision, red/amber/green against a target, and
 * chart labels thinned so that none overlap; the figures warmed only once the records stand still. */
#include "helpers.h"

#include "chart.h"
#include "indicator_periods.h"
#include "indicators.h"
#include "period.h"

static struct period named(const char *name)
{
	struct period p;
	if (!period_parse(name, &p))
		fail_msg("period_parse(\"%s\") refused it", name);
	return p;
}

static void test_moving_between_periods(void **state)
{
	(void)state;
	static const struct {
		int y, m;
		const char *quarter;
	} holding[] = {{2026, 4, "FY2026-27-Q1"}, {2026, 6, "FY2026-27-Q1"}, {2026, 7, "FY2026-27-Q2"},
		       {2026, 12, "FY2026-27-Q3"}, {2027, 1, "FY2026-27-Q4"}, {2027, 3, "FY2026-27-Q4"}};
	for (size_t i = 0; i < ARRAY_LEN(holding); i++) {
		struct period q;
		assert_true(period_quarter_of(holding[i].y, holding[i].m, &q));
		assert_string_equal(q.name, holding[i].quarter);
	}
	static const struct {
		const char *from;
		int delta;
		const char *to;
	} steps[] = {{"FY2026-27-Q1", -1, "FY2025-26-Q4"}, {"FY2025-26-Q4", 1, "FY2026-27-Q1"},
		     {"FY2026-27-Q3", -4, "FY2025-26-Q3"}, {"FY2026-27-Q2", -7, "FY2024-25-Q3"}};
	for (size_t i = 0; i < ARRAY_LEN(steps); i++) {
		struct period p = named(steps[i].from), out;
		assert_true(period_quarter_step(&p, steps[i].delta, &out));
		assert_string_equal(out.name, steps[i].to);
	}
	static const char *const before[][2] = {{"2026", "2025"},           {"2026-03", "2025-03"},
						{"FY2026-27", "FY2025-26"}, {"FY2026-27-Q4", "FY2025-26-Q4"},
						{"AY2026-27", "AY2025-26"}};
	for (size_t i = 0; i < ARRAY_LEN(before); i++) {
		struct period p = named(before[i][0]), out;
		assert_true(period_year_before(&p, &out));
		assert_string_equal(out.name, before[i][1]);
		struct period want = named(before[i][1]);
		assert_memory_equal(&out.from, &want.from, sizeof want.from);
		assert_memory_equal(&out.to, &want.to, sizeof want.to);
	}
	struct period first = named("1900"), none;
	assert_false(period_year_before(&first, &none));
}

static void test_periods_for_people(void **state)
{
	(void)state;
	static const char *const cases[][3] = {
		{"FY2026-27-Q2", "July to September 2026", "1 July 2026 to 30 September 2026"},
		{"FY2026-27-Q4", "January to March 2027", "1 January 2027 to 31 March 2027"},
		{"FY2026-27", "April 2026 to March 2027", "1 April 2026 to 31 March 2027"},
		{"AY2025-26", "September 2025 to August 2026", "1 September 2025 to 31 August 2026"},
		{"2024", "January to December 2024", "1 January 2024 to 31 December 2024"},
		{"2024-02", "February 2024", "1 February 2024 to 29 February 2024"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct period p = named(cases[i][0]);
		char months[64], days[96];
		period_months_human(&p, months, sizeof months);
		period_days_human(&p, days, sizeof days);
		assert_string_equal(months, cases[i][1]);
		assert_string_equal(days, cases[i][2]);
	}
}

/* The names offered, in order, as one string. */
static void choices_text(const struct period_date *first, const struct period_date *today, bool months, char *out,
			 size_t n)
{
	struct period *list = calloc((size_t)indicator_period_choices_max(), sizeof *list);
	assert_non_null(list);
	int count = indicator_period_choices_between(first, today, months, list);
	assert_true(count > 0 && count <= indicator_period_choices_max());
	out[0] = '\0';
	for (int i = 0; i < count; i++)
		snprintf(out + strlen(out), n - strlen(out), "%s%s", i ? " " : "", list[i].name);
	free(list);
}

static void test_periods_offered(void **state)
{
	(void)state;
	char text[2048];
	/* Records from May 2025, seen on 30 November 2026: every quarter and year from then to now,
	 * newest first, and nothing that has not begun (no FY2026-27-Q4, no 2027). */
	choices_text(&(struct period_date){2025, 5, 10}, &(struct period_date){2026, 11, 30}, false, text, sizeof text);
	assert_string_equal(text, "FY2026-27-Q3 FY2026-27-Q2 FY2026-27-Q1 FY2025-26-Q4 FY2025-26-Q3 FY2025-26-Q2 "
				  "FY2025-26-Q1 FY2026-27 FY2025-26 AY2026-27 AY2025-26 AY2024-25 2026 2025");
	/* No records: the year up to today, so this financial year so far and the one before. */
	choices_text(NULL, &(struct period_date){2026, 4, 2}, false, text, sizeof text);
	assert_string_equal(text, "FY2026-27-Q1 FY2025-26-Q4 FY2025-26-Q3 FY2025-26-Q2 FY2025-26-Q1 FY2026-27 "
				  "FY2025-26 AY2025-26 AY2024-25 2026 2025");
	/* Records from long ago: the list stops INDICATOR_CHOICE_YEARS back and still fits. */
	choices_text(&(struct period_date){1990, 1, 1}, &(struct period_date){2026, 11, 30}, false, text, sizeof text);
	/* (from 1 January 2016: its quarter, financial and academic years, and the calendar year) */
	assert_non_null(strstr(text, "FY2015-16-Q4 FY2026-27"));
	assert_null(strstr(text, "FY2015-16-Q3"));
	assert_non_null(strstr(text, "FY2015-16 AY2026-27"));
	assert_non_null(strstr(text, "AY2015-16 2026"));
	assert_string_equal(text + strlen(text) - 10, " 2017 2016");
	/* With months (a campaign's reach): after the years, every month from the first, newest first,
	 * across the turn of the year. */
	choices_text(&(struct period_date){2025, 11, 20}, &(struct period_date){2026, 2, 3}, true, text, sizeof text);
	assert_string_equal(text, "FY2025-26-Q4 FY2025-26-Q3 FY2025-26 AY2025-26 2026 2025 2026-02 2026-01 2025-12 2025-11");
	/* And over many years they stop where the quarters do, within the room the list has. */
	choices_text(&(struct period_date){1990, 1, 1}, &(struct period_date){2026, 11, 30}, true, text, sizeof text);
	assert_non_null(strstr(text, " 2016 2026-11 2026-10 "));
	assert_string_equal(text + strlen(text) - 8, " 2022-12");
}

static const struct indicator *find(const char *id)
{
	const struct indicator *ind = indicator_find(id);
	assert_non_null(ind);
	return ind;
}

static void test_figures_to_their_precision(void **state)
{
	(void)state;
	static const struct {
		const char *id;
		double value;
		const char *text;
	} cases[] = {
		{"O5.3", 22.2, "22.2"},          /* a rate: one decimal */
		{"O5.3", 70, "70.0"},            /* even when whole */
		{"O5.3", 66.66666666, "66.7"},   /* rounded, not cut */
		{"O1.4", 130, "130"},            /* a count: whole */
		{"O1.6", 12.345678, "12.345678"}, /* an external figure: as entered */
		{"O1.6", 1234567, "1234567"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char text[32];
		indicator_number_text(find(cases[i].id), cases[i].value, text);
		assert_string_equal(text, cases[i].text);
	}
	/* The rounded rate is the double nearest its text, which prints back as that text. */
	char text[32];
	double_text(indicator_round(find("O5.3"), 22.19999), text);
	assert_string_equal(text, "22.2");
	assert_int_equal(indicator_decimals(find("O5.3")), 1);
	assert_int_equal(indicator_decimals(find("O5.1")), 0);
	assert_int_equal(indicator_decimals(find("O5.8")), -1);
}

static void test_red_amber_green(void **state)
{
	(void)state;
	const struct indicator *sessions = find("O5.1"), *rate = find("O5.3"), *victims = find("O1.6");
	assert_int_equal(sessions->better, 1);
	assert_int_equal(victims->better, -1);
	static const struct {
		const char *id;
		double value, target;
		enum indicator_rag rag;
	} cases[] = {
		{"O5.1", 100, 100, RAG_GREEN}, {"O5.1", 120, 100, RAG_GREEN}, {"O5.1", 90, 100, RAG_AMBER},
		{"O5.1", 89, 100, RAG_RED},    {"O5.1", 0, 0, RAG_GREEN},     {"O5.1", 0, 5, RAG_RED},
		/* lower is better */
		{"O1.6", 100, 100, RAG_GREEN}, {"O1.6", 80, 100, RAG_GREEN},  {"O1.6", 110, 100, RAG_AMBER},
		{"O1.6", 111, 100, RAG_RED},   {"O1.6", 1, 0, RAG_RED},
		/* a rate is judged at its precision: a target of 66.74 reads 66.7%, and 66.7% meets it */
		{"O5.3", 66.7, 66.74, RAG_GREEN}, {"O5.3", 72, 80, RAG_AMBER}, {"O5.3", 71.9, 80, RAG_RED},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct indicator_value v = {.available = true, .value = cases[i].value};
		enum indicator_rag got = indicator_rag(find(cases[i].id), &v, true, cases[i].target);
		if (got != cases[i].rag)
			fail_msg("%s %g against %g: %d, want %d", cases[i].id, cases[i].value, cases[i].target, got, cases[i].rag);
	}
	struct indicator_value shown = {.available = true, .value = 5}, suppressed = {.available = true, .suppressed = true},
			       missing = {0};
	assert_int_equal(indicator_rag(rate, &shown, false, 0), RAG_NONE);
	assert_int_equal(indicator_rag(rate, &suppressed, true, 1), RAG_NONE);
	assert_int_equal(indicator_rag(rate, &missing, true, 1), RAG_NONE);
	assert_string_equal(indicator_rag_name(RAG_AMBER), "amber");
	assert_null(indicator_rag_name(RAG_NONE));
	/* The API's status agrees: on track only when green. */
	struct indicator_value near = {.available = true, .value = 95};
	assert_string_equal(indicator_status(sessions, &near, true, 100), "off-track");
	assert_string_equal(indicator_status(sessions, &shown, true, 5), "on-track");
}

static void test_chart_labels_never_overlap(void **state)
{
	(void)state;
	/* The reach chart's plot is 544 units wide. A year of months: every other one at least, and
	 * "Sep 2026" is too wide for one month's slot anyway. */
	double month = chart_text_width("Sep 2026");
	assert_true(month > 544.0 / 12);
	assert_int_equal(chart_label_every(12, 544.0 / 12, month, 1), 2);
	assert_int_equal(chart_label_every(12, 544.0 / 12, month, 2), 2);
	assert_int_equal(chart_label_every(3, 544.0 / 3, month, 2), 2); /* months never closer than every other */
	/* Two years of months, and 62 (the most buckets): more room each. */
	assert_int_equal(chart_label_every(24, 544.0 / 24, month, 2), 4);
	int every = chart_label_every(62, 544 / 62, month, 2);
	assert_true(every * (544 / 62) >= month);
	/* The dashboard's eight quarters fit side by side (584 units). */
	assert_int_equal(chart_label_every(8, 584.0 / 8, chart_text_width("Q1 25-26"), 1), 1);
	/* Labelled slots are at least `every` apart, so at least as far apart as a label is wide. */
	for (int n = 2; n <= 62; n++) {
		double slot = 544.0 / n;
		int e = chart_label_every(n, slot, month, 2), last = -1;
		assert_true(chart_labelled(n - 1, n, e)); /* the latest is always labelled */
		for (int i = 0; i < n; i++)
			if (chart_labelled(i, n, e)) {
				if (last >= 0 && (i - last) * slot < month)
					fail_msg("%d slots: labels %d and %d overlap", n, last, i);
				last = i;
			}
	}
	assert_true(chart_text_width("Q1 25-26") < chart_text_width("Sep 2026"));
	assert_true(chart_text_width("é") == chart_text_width("\xc3\xa9"));
}

/* The duty warms figures only after a tick with no counted write: a write since the last look says
 * not yet, however many looks came before. */
static void test_warm_only_when_records_stand_still(void **state)
{
	(void)state;
	struct test_db *t = test_db_new(true);
	int64_t seen = -1;
	assert_false(indicator_records_still(t->db, &seen)); /* the first look has nothing to compare */
	assert_true(indicator_records_still(t->db, &seen));
	assert_true(indicator_records_still(t->db, &seen));
	assert_int_equal(db_exec_script(t->db, "UPDATE data_versions SET version = version + 1 WHERE source = 'training'"),
			 DB_OK);
	assert_false(indicator_records_still(t->db, &seen));
	assert_true(indicator_records_still(t->db, &seen));
	test_db_free(t);
}

int main(void)
{
	test_uk_time();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_moving_between_periods),
		cmocka_unit_test(test_periods_for_people),
		cmocka_unit_test(test_periods_offered),
		cmocka_unit_test(test_figures_to_their_precision),
		cmocka_unit_test(test_red_amber_green),
		cmocka_unit_test(test_chart_labels_never_overlap),
		cmocka_unit_test(test_warm_only_when_records_stand_still),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
