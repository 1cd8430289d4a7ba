/* test_indicator_reads.c — what the indicators read around their cache, once a request: baselines,
 * targets and external figures looked up as the old one-row statements found them, for any area
 * asked about; and the dashboard and the export running a fixed handful of statements however many
 * contexts, areas and indicators they show (each is a round trip on PostgreSQL). */
#include "helpers.h"

#include "catalog.h"
#include "disclosure.h"
#include "indicator_export.h"
#include "indicator_pages.h"
#include "indicator_reads.h"
#include "indicators.h"
#include "period.h"

static const char ENTERED[] =
	"INSERT INTO indicator_targets (indicator, kind, period, area, value, note, set_by, set_at) VALUES"
	" ('O5.1', 'baseline', 'FY2023-24', 'essex', 4, NULL, NULL, 100),"
	" ('O5.1', 'baseline', 'FY2024-25', 'essex', 5, NULL, NULL, 300),"
	" ('O5.1', 'baseline', 'FY2022-23', 'essex', 3, NULL, NULL, 200),"
	" ('O5.1', 'target', 'FY2025-26', 'essex', 7, NULL, NULL, 100),"
	" ('O5.1', 'target', 'FY2025-26-Q2', 'essex', 2, NULL, NULL, 100),"
	" ('O1.4', 'target', 'FY2025-26', 'greater-essex', 900, NULL, NULL, 100),"
	" ('O1.4', 'target', 'FY2025-26', 'basildon', 90, NULL, NULL, 100);"
	"INSERT INTO external_figures (indicator, period, area, value, source, note, entered_by, entered_at) VALUES"
	" ('O1.6', 'FY2025-26', 'greater-essex', 123.5, 'Essex Police', 'Provisional', NULL, 100),"
	" ('O5.8', 'FY2025-26-Q3', 'basildon', 42, 'Community safety', NULL, NULL, 100);";

struct fixture {
	struct test_db *t;
	struct arena *a;
};

static int setup(void **state)
{
	test_uk_time();
	test_pin_now(1780000000); /* 2026-05-28: FY2025-26 is over */
	test_load_catalog();
	struct fixture *f = calloc(1, sizeof *f);
	f->t = test_db_new(true);
	assert_int_equal(db_exec_script(f->t->db, ENTERED), 0);
	f->a = arena_new();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	arena_free(f->a);
	test_db_free(f->t);
	catalog_free();
	test_unpin_now();
	free(f);
	return 0;
}

static struct indicator_ctx context(struct indicator_reads *reads, const char *period, const char *area)
{
	struct period p;
	assert_true(period_parse(period, &p));
	struct indicator_ctx c;
	indicator_ctx_init(&c, reads, &p, area, now_utc());
	return c;
}

/* An indicator's baseline and target in the context, as text: "baseline 5 (FY2024-25), target 2". */
static const char *goals(const struct indicator_ctx *c, const char *id)
{
	bool has_baseline, has_target;
	double baseline = 0, target = 0;
	const char *period = NULL;
	indicator_targets(c, indicator_find(id), &has_baseline, &baseline, &period, &has_target, &target);
	const char *b = has_baseline ? arena_printf(c->arena, "baseline %g (%s)", baseline, period) : "no baseline";
	const char *t = has_target ? arena_printf(c->arena, "target %g", target) : "no target";
	return arena_printf(c->arena, "%s, %s", b, t);
}

static void test_targets_baselines_and_figures(void **state)
{
	struct fixture *f = *state;
	struct indicator_reads *reads = indicator_reads_new(f->t->db, f->a);
	/* Asked first about an area below: the areas above it are read when they are asked about. */
	struct indicator_ctx below = context(reads, "FY2025-26-Q3", "basildon");
	struct indicator_ctx essex = context(reads, "FY2025-26-Q2", "essex");
	struct indicator_ctx essex_q3 = context(reads, "FY2025-26-Q3", "essex");
	struct indicator_ctx all = context(reads, "FY2025-26", "greater-essex");
	/* The baseline set last; a quarter's own target, else its financial year's. */
	assert_string_equal(goals(&essex, "O5.1"), "baseline 5 (FY2024-25), target 2");
	assert_string_equal(goals(&essex_q3, "O5.1"), "baseline 5 (FY2024-25), target 7");
	/* Each area its own: Greater Essex's target is not Basildon's, and Basildon has no baseline. */
	assert_string_equal(goals(&all, "O1.4"), "no baseline, target 900");
	assert_string_equal(goals(&below, "O1.4"), "no baseline, target 90");
	assert_string_equal(goals(&below, "O5.1"), "no baseline, no target");

	/* External figures: exactly what was entered for the period and area, with its source and note. */
	struct indicator_value v;
	indicator_compute(indicator_find("O1.6"), &all, &v);
	assert_true(v.available);
	assert_true(v.value == 123.5);
	assert_string_equal(v.source, "Essex Police");
	assert_string_equal(v.note, "Provisional");
	indicator_compute(indicator_find("O5.8"), &below, &v);
	assert_true(v.available);
	assert_true(v.value == 42);
	assert_null(v.note);
	indicator_compute(indicator_find("O5.8"), &essex_q3, &v);
	assert_false(v.available);
	indicator_compute(indicator_find("O1.6"), &essex, &v);
	assert_false(v.available);

	/* The next request's reads see an edit. */
	assert_int_equal(db_exec_script(f->t->db, "UPDATE external_figures SET value = 124, note = NULL WHERE indicator = 'O1.6';"
						  "UPDATE indicator_targets SET value = 950 WHERE indicator = 'O1.4' AND area = 'greater-essex'"),
			 0);
	struct indicator_ctx next = context(indicator_reads_new(f->t->db, f->a), "FY2025-26", "greater-essex");
	indicator_compute(indicator_find("O1.6"), &next, &v);
	assert_true(v.value == 124);
	assert_null(v.note);
	assert_string_equal(goals(&next, "O1.4"), "no baseline, target 950");
}

/* The versions a figure is cached against: data_versions' own, and the months of the period. */
static void test_versions(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(db_exec_script(f->t->db, "UPDATE data_versions SET version = 7 WHERE source = 'pledges';"
						  "INSERT INTO data_month_versions (source, month, version) VALUES"
						  " ('training', '2025-03', 100), ('training', '2025-04', 1),"
						  " ('training', '2026-03', 20), ('training', '2026-04', 300)"),
			 0);
	struct indicator_reads *reads = indicator_reads_new(f->t->db, f->a);
	assert_int_equal(indicator_reads_version(reads, "pledges"), 7);
	assert_int_equal(indicator_reads_version(reads, "nothing"), -1);
	assert_int_equal(indicator_reads_months(reads, "training", "2025-04", "2026-03"), 21);
	assert_int_equal(indicator_reads_months(reads, "training", "2026-04", "2026-06"), 300);
	assert_int_equal(indicator_reads_months(reads, "pledges", "2025-04", "2026-03"), 0);
	struct indicator_ctx c = context(reads, "FY2025-26", "essex");
	assert_int_equal(c.month_versions[2], 21); /* training, the third source */
}

/* A request for the page, signed in as nobody (the route checks roles, not the handler). */
static int64_t dashboard_statements(struct fixture *f, const char *query)
{
	struct req r = {.arena = f->a, .db = f->t->db, .path = "/indicators"};
	assert_int_equal(req_parse_urlencoded(f->a, query, strlen(query), &r.query), 0);
	struct resp o;
	resp_init(&o, f->a);
	int64_t before = db_statements_run();
	assert_int_equal(indicators_dashboard(&r, &o), 200);
	int64_t n = db_statements_run() - before;
	resp_free(&o);
	return n;
}

static void test_dashboard_runs_a_handful_of_statements(void **state)
{
	struct fixture *f = *state;
	/* The first view counts the figures; the next finds them cached. */
	dashboard_statements(f, "period=FY2025-26&area=greater-essex");
	/* The versions and what was entered: not one per context, indicator or area (the areas below
	 * come from ref.c's copy), and the records' first and last dates kept under the versions. */
	assert_int_equal(dashboard_statements(f, "period=FY2025-26&area=greater-essex"), 2);
	dashboard_statements(f, "period=FY2025-26-Q3&area=essex");
	assert_int_equal(dashboard_statements(f, "period=FY2025-26-Q3&area=essex"), 2);
	/* A new record (another version) reads the dates again, and the figures it may change, once. */
	assert_int_equal(db_exec(f->t->db, "UPDATE data_versions SET version = version + 1 WHERE source = 'pledges'", ""),
			 DB_OK);
	assert_true(dashboard_statements(f, "period=FY2025-26-Q3&area=essex") > 2);
	assert_int_equal(dashboard_statements(f, "period=FY2025-26-Q3&area=essex"), 2);
}

/* A two-hour practitioner session in Chelmsford (Essex) that ends at ends. */
static void add_session(struct fixture *f, int64_t ends)
{
	char *sql = arena_printf(f->a, "INSERT INTO sessions (course_id, starts_at, ends_at, capacity, venue_name, venue_address,"
				       " venue_postcode, area, status, created_at) VALUES ('recognising-and-responding', %lld, %lld,"
				       " 9, 'Hall', '1 Road', 'CM1 1AA', 'chelmsford', 'scheduled', 0)",
				 (long long)(ends - 7200), (long long)ends);
	assert_int_equal(db_exec_script(f->t->db, sql), 0);
}

/* O5.1 for essex in the quarter now is in, as counted by a request of its own; *statements how many
 * it ran. */
static double sessions_delivered_now(struct fixture *f, int64_t *statements)
{
	int64_t before = db_statements_run();
	struct indicator_ctx c = context(indicator_reads_new(f->t->db, f->a), "FY2026-27-Q1", "essex");
	struct indicator_value v;
	indicator_compute(indicator_find("O5.1"), &c, &v);
	*statements = db_statements_run() - before;
	return v.value;
}

/* A figure for a period not yet over changes with the clock only when a session in it ends: counted
 * once, it is kept however many minutes pass until then, and counted again at that instant. */
static void test_a_current_figure_stands_until_a_session_ends(void **state)
{
	struct fixture *f = *state;
	const int64_t now = 1780000000, ends = now + 3600; /* FY2026-27-Q1 */
	add_session(f, ends);
	int64_t n;
	assert_true(sessions_delivered_now(f, &n) == 0);
	assert_true(n > 2); /* counted */
	test_pin_now(now + 1800); /* half an hour on, the session not yet over: the same figure, kept */
	assert_true(sessions_delivered_now(f, &n) == 0);
	assert_int_equal(n, 2); /* the versions and the last instant passed, no count */
	test_pin_now(ends); /* it has ended */
	assert_true(sessions_delivered_now(f, &n) == 1);
	assert_true(n > 2);
	test_pin_now(ends + 600);
	assert_true(sessions_delivered_now(f, &n) == 1);
	assert_int_equal(n, 2);
}

/* The instants the clock alone changes figures at: a session's end, its evaluation window's close
 * (EVALUATION_WINDOW and the grace after it), a survey run's close (and the grace). */
static void test_the_last_instant_passed(void **state)
{
	struct fixture *f = *state;
	const int64_t ends = 1780000000, window = ends + EVALUATION_WINDOW + DISCLOSURE_GRACE, closes = ends + 86400;
	add_session(f, ends);
	char *sql = arena_printf(f->a, "INSERT INTO settings (urn, name, phase, area) VALUES ('100001', 'Oak', 'secondary', 'southend');"
				       "INSERT INTO survey_runs (urn, year_group, phase, code, opened_at, closes_at, max_responses)"
				       " VALUES ('100001', 9, 'post', 'abcdefgh', %lld, %lld, 30)",
				 (long long)(closes - 86400), (long long)closes);
	assert_int_equal(db_exec_script(f->t->db, sql), 0);
	const struct {
		int64_t at, training, survey;
	} seen[] = {
		{ends - 1, 0, 0},
		{ends, ends, 0},
		{closes + DISCLOSURE_GRACE - 1, ends, 0},
		{closes + DISCLOSURE_GRACE, ends, closes + DISCLOSURE_GRACE},
		{window - 1, ends, closes + DISCLOSURE_GRACE},
		{window, window, closes + DISCLOSURE_GRACE},
		{window + 86400, window, closes + DISCLOSURE_GRACE},
	};
	struct indicator_reads *reads = indicator_reads_new(f->t->db, f->a);
	for (size_t i = 0; i < ARRAY_LEN(seen); i++) {
		assert_int_equal(indicator_reads_passed(reads, "training", seen[i].at), seen[i].training);
		assert_int_equal(indicator_reads_passed(reads, "survey", seen[i].at), seen[i].survey);
	}
}

static void test_export_runs_a_handful_of_statements(void **state)
{
	struct fixture *f = *state;
	struct period p;
	assert_true(period_parse("FY2025-26", &p));
	for (int pass = 0; pass < 2; pass++) {
		struct buf out = {0};
		int64_t before = db_statements_run();
		assert_int_equal(indicators_export(f->t->db, f->a, &p, "greater-essex", true, EXPORT_CSV, now_utc(), &out), 0);
		/* Every area of Greater Essex, once cached: the areas (1), the versions (1), what was entered (1). */
		if (pass == 1)
			assert_int_equal(db_statements_run() - before, 3);
		assert_non_null(strstr(out.data, "O1.6,1,Young victims of domestic abuse,people,FY2025-26,greater-essex,123.5,"));
		buf_free(&out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_targets_baselines_and_figures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_versions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dashboard_runs_a_handful_of_statements, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_runs_a_handful_of_statements, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_current_figure_stands_until_a_session_ends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_the_last_instant_passed, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
