/* survey_results.c — pupil survey results: counting responses for a run or for a setting, area and
 * period, and publishing the figures as a page, JSON and CSV. Every figure is counted by
 * survey_tally() over released runs only and shown through disclosure_figure() (disclosure.h). */
#include "survey_results.h"

#include <string.h>

#include "auth.h"
#include "csv.h"
#include "db.h"
#include "html.h"
#include "period.h"
#include "ref.h"
#include "route.h"
#include "schools.h"
#include "survey.h"
#include "valid.h"

/* Each released run in scope, whole (every response, never a part of one): the tallies below sum
 * these groups. A run belongs to a period by when it opened, so a period holds a run whole or not at
 * all. Bound: ?1 run, ?2 urn, ?3 area, ?4 ?5 opened range, ?10 now (and ?6 … ?9, the right answers). */
#define RELEASED_RUNS_IN_SCOPE                                                                                          \
	" FROM survey_runs r JOIN settings s ON s.urn = r.urn JOIN survey_responses x ON x.run_id = r.id"                 \
	" WHERE (?1 = 0 OR r.id = ?1) AND (?2 = '' OR r.urn = ?2)"                                                         \
	" AND (?3 = '' OR s.area IN (SELECT descendant FROM area_tree WHERE ancestor = ?3))"                               \
	" AND r.opened_at >= ?4 AND r.opened_at < ?5 AND" DISCLOSURE_RUN_CLOSED("r", "?10") " GROUP BY r.id"               \
	DISCLOSURE_LARGE_ENOUGH

/* Agreeing is 4 or 5 (spec §6); the right answers come from the instrument, bound as ?6 … ?9. */
static const char SQL_TALLY[] =
	"SELECT phase, sum(n), sum(a1), sum(a2), sum(a3), sum(a4), sum(r1), sum(r2), sum(r3), sum(r4), sum(good)"
	" FROM (SELECT r.phase, count(*) AS n, count(*) FILTER (WHERE x.q1 >= 4) AS a1,"
	" count(*) FILTER (WHERE x.q2 >= 4) AS a2, count(*) FILTER (WHERE x.q3 >= 4) AS a3,"
	" count(*) FILTER (WHERE x.q4 >= 4) AS a4, count(*) FILTER (WHERE x.s1 = ?6) AS r1,"
	" count(*) FILTER (WHERE x.s2 = ?7) AS r2, count(*) FILTER (WHERE x.s3 = ?8) AS r3,"
	" count(*) FILTER (WHERE x.s4 = ?9) AS r4,"
	" sum(x.good_understanding) AS good" RELEASED_RUNS_IN_SCOPE ") runs GROUP BY phase";
/* The same runs, counting only good understanding: read from an index alone (012), for O1.5. */
static const char SQL_TALLY_GOOD[] =
	"SELECT phase, sum(n), 0, 0, 0, 0, 0, 0, 0, 0, sum(good)"
	" FROM (SELECT r.phase, count(*) AS n, sum(x.good_understanding) AS good" RELEASED_RUNS_IN_SCOPE ") runs GROUP BY phase";

static void tally(struct db *db, const char *sql, const struct survey_scope *scope, struct survey_tally out[SURVEY_PHASES])
{
	memset(out, 0, SURVEY_PHASES * sizeof *out);
	const struct survey_scenario *sc = survey_instrument.scenarios;
	struct db_stmt *st = db_query(db, sql, "IssIIssssI", scope->run_id, scope->urn ? scope->urn : "",
				      scope->area ? scope->area : "", scope->from, scope->to, sc[0].right, sc[1].right,
				      sc[2].right, sc[3].right, scope->now);
	while (db_next(st)) {
		struct survey_tally *t = &out[strcmp(db_col_text(st, 0), "pre") == 0 ? SURVEY_PRE : SURVEY_POST];
		t->n = db_col_int(st, 1);
		for (int i = 0; i < SURVEY_STATEMENTS; i++)
			t->agree[i] = db_col_int(st, 2 + i);
		for (int i = 0; i < SURVEY_SCENARIOS; i++)
			t->right[i] = db_col_int(st, 6 + i);
		t->good = db_col_int(st, 10);
	}
	db_done(st);
}

void survey_tally(struct db *db, const struct survey_scope *scope, struct survey_tally out[SURVEY_PHASES])
{
	tally(db, SQL_TALLY, scope, out);
}

void survey_tally_good(struct db *db, const struct survey_scope *scope, struct survey_tally out[SURVEY_PHASES])
{
	tally(db, SQL_TALLY_GOOD, scope, out);
}

/* ---- the figures, in one order for every format ---- */

enum measure { AGREEING, RIGHT, GOOD };

struct row {
	enum measure measure;
	int item;                  /* statement or scenario index */
	const char *id, *label;    /* q1 … / s1 … / good_understanding */
};

enum { ROWS = SURVEY_STATEMENTS + SURVEY_SCENARIOS + 1 };

static void rows(struct arena *a, struct row out[ROWS])
{
	const struct survey_instrument *si = &survey_instrument;
	int n = 0;
	for (int i = 0; i < SURVEY_STATEMENTS; i++)
		out[n++] = (struct row){AGREEING, i, si->statements[i].id,
					arena_printf(a, "Agree they can %s", si->statements[i].capability)};
	for (int i = 0; i < SURVEY_SCENARIOS; i++)
		out[n++] = (struct row){RIGHT, i, si->scenarios[i].id,
					arena_printf(a, "Right about story %d (%s: %s)", i + 1, si->scenarios[i].about,
						     si->scenarios[i].right)};
	out[n] = (struct row){GOOD, 0, "good_understanding", "Demonstrate good understanding"};
}

static struct disclosure_figure figure_of(const struct survey_tally *t, const struct row *row)
{
	switch (row->measure) {
	case AGREEING: return disclosure_figure(t->agree[row->item], t->n, t->withheld);
	case RIGHT: return disclosure_figure(t->right[row->item], t->n, t->withheld);
	default: return disclosure_figure(t->good, t->n, t->withheld);
	}
}

static const char *const phase_names[SURVEY_PHASES] = {"pre", "post"};
static const char *const phase_labels[SURVEY_PHASES] = {"Before (pre)", "After (post)"};

/* ---- JSON ---- */

static json_t *figure_json(struct disclosure_figure f)
{
	return json_pack("{s:o, s:I, s:b}", "value", f.suppressed ? json_null() : json_real((double)f.tenths / 10.0), "n",
			 (json_int_t)f.n, "suppressed", f.suppressed);
}

static json_t *phase_json(const struct survey_tally *t)
{
	const struct survey_instrument *si = &survey_instrument;
	json_t *statements = json_array(), *scenarios = json_array();
	for (int i = 0; i < SURVEY_STATEMENTS; i++)
		json_array_append_new(statements, json_pack("{s:s, s:s, s:o}", "id", si->statements[i].id, "capability",
							    si->statements[i].capability, "agreeing",
							    figure_json(disclosure_figure(t->agree[i], t->n, t->withheld))));
	for (int i = 0; i < SURVEY_SCENARIOS; i++)
		json_array_append_new(scenarios, json_pack("{s:s, s:s, s:s, s:o}", "id", si->scenarios[i].id, "about",
							   si->scenarios[i].about, "right_answer", si->scenarios[i].right,
							   "right", figure_json(disclosure_figure(t->right[i], t->n, t->withheld))));
	return json_pack("{s:i, s:b, s:o, s:o, s:o}", "responses", t->n, "suppressed",
			 disclosure_figure(0, t->n, t->withheld).suppressed, "statements", statements, "scenarios",
			 scenarios, "good_understanding", figure_json(disclosure_figure(t->good, t->n, t->withheld)));
}

static json_t *results_json(const struct survey_tally t[SURVEY_PHASES])
{
	return json_pack("{s:o, s:o}", "pre", phase_json(&t[SURVEY_PRE]), "post", phase_json(&t[SURVEY_POST]));
}

/* ---- CSV ---- */

static int csv_answer(const struct req *r, struct resp *o, const char *scope, const char *period,
		      const struct survey_tally t[SURVEY_PHASES], const char *filename)
{
	static const char *const head[] = {"scope", "period", "phase", "figure", "item", "description", "responses",
					   "suppressed", "percent", "note"};
	static const char *const measures[] = {"agreeing", "right", "good_understanding"};
	struct buf b = {0};
	csv_write_row(&b, head, ARRAY_LEN(head));
	struct row list[ROWS];
	rows(r->arena, list);
	for (int ph = 0; ph < SURVEY_PHASES; ph++) {
		for (int i = 0; i < ROWS; i++) {
			struct disclosure_figure f = figure_of(&t[ph], &list[i]);
			char n[16], pct[24];
			snprintf(n, sizeof n, "%lld", (long long)f.n);
			snprintf(pct, sizeof pct, "%lld.%lld", (long long)(f.tenths / 10), (long long)(f.tenths % 10));
			const char *cells[] = {scope, period, phase_names[ph], measures[list[i].measure],
					       list[i].measure == GOOD ? "" : list[i].id, list[i].label, n,
					       f.suppressed ? "true" : "false", f.suppressed ? "" : pct,
					       f.suppressed ? DISCLOSURE_SUPPRESSED_TEXT : ""};
			csv_write_row(&b, cells, ARRAY_LEN(cells));
		}
	}
	resp_header(o, "Content-Disposition", arena_printf(r->arena, "attachment; filename=\"%s\"", filename));
	int status = resp_text(o, 200, "text/csv; charset=utf-8", b.data, b.len);
	buf_free(&b);
	return status;
}

/* ---- the page ---- */

static void figure_cell(struct resp *o, struct disclosure_figure f)
{
	if (f.suppressed)
		html_lit(o, "<td class=\"govuk-table__cell govuk-table__cell--numeric\"><span class=\"govuk-hint\">"
			    DISCLOSURE_SUPPRESSED_TEXT "</span></td>");
	else
		htmlf(o, "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%D.%D%%</td>", f.tenths / 10, f.tenths % 10);
}

static void results_table(const struct req *r, struct resp *o, const struct survey_tally t[SURVEY_PHASES],
			  const bool show[SURVEY_PHASES])
{
	const char *head[1 + SURVEY_PHASES] = {"Pupils who…"};
	size_t nhead = 1;
	for (int ph = 0; ph < SURVEY_PHASES; ph++)
		if (show[ph])
			head[nhead++] = arena_printf(r->arena, "#%s", phase_labels[ph]);
	html_table_begin(o, NULL, head, nhead);
	html_lit(o, "<tr class=\"govuk-table__row\"><th scope=\"row\" class=\"govuk-table__header\">Responses</th>");
	for (int ph = 0; ph < SURVEY_PHASES; ph++)
		if (show[ph])
			htmlf(o, "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%d</td>", t[ph].n);
	html_lit(o, "</tr>");
	struct row list[ROWS];
	rows(r->arena, list);
	for (int i = 0; i < ROWS; i++) {
		htmlf(o, "<tr class=\"govuk-table__row\"><th scope=\"row\" class=\"govuk-table__header\">%h</th>", list[i].label);
		for (int ph = 0; ph < SURVEY_PHASES; ph++)
			if (show[ph])
				figure_cell(o, figure_of(&t[ph], &list[i]));
		html_lit(o, "</tr>");
	}
	html_table_end(o);
	html_lit(o, "<p class=\"govuk-body-s\">Results count only surveys that have closed with at least "
		    DISCLOSURE_STR(DISCLOSURE_MIN) " responses, each whole, in the period it was opened; a figure resting "
		    "on " DISCLOSURE_SUPPRESSED_TEXT " is not shown. So no pupil's answers can be picked out, whatever "
		    "results are put side by side. Agreeing means answering 4 or 5. Good understanding means agreeing "
		    "with all four sentences and getting at least three stories right.</p>");
}

/* ---- setting, area and period ---- */

struct scope_request {
	struct survey_scope scope;
	struct period period;
	const char *urn, *area, *label;
};

/* Reads urn, area and period from the query; a school user only ever gets their own setting.
 * Returns 0, or the status of the error answered in o. */
static int scope_from(const struct req *r, struct resp *o, struct scope_request *s)
{
	bool api = route_is_api(r->path);
	memset(s, 0, sizeof *s);
	s->urn = req_query(r, "urn");
	s->area = req_query(r, "area");
	if (r->user->role == ROLE_SCHOOL) {
		s->urn = r->user->school_urn;
		s->area = "";
	}
	s->urn = s->urn ? s->urn : "";
	s->area = s->area ? s->area : "";
	struct setting setting;
	const char *field = NULL, *why = NULL;
	if (*s->urn && !(schools_can_see(r->user, s->urn) && schools_load(r->db, r->arena, s->urn, &setting)))
		field = "urn", why = "There is no setting with that URN.";
	else if (*s->area && !ref_area_exists(r->db, s->area, false))
		field = "area", why = "Choose an area from the list.";
	else if (!period_or_current(req_query(r, "period"), now_utc(), &s->period))
		field = "period", why = "Give the period like AY2025-26, FY2025-26, FY2025-26-Q1, 2025 or 2025-07.";
	if (field) {
		if (api)
			return resp_error(o, 400, why, field);
		return page_error(r, o, 400, "There is a problem", why);
	}
	period_bounds_utc(&s->period, &s->scope.from, &s->scope.to);
	s->scope.now = now_utc();
	s->scope.urn = s->urn;
	s->scope.area = s->area;
	if (*s->urn)
		s->label = arena_printf(r->arena, "%s (URN %s)", setting.name, s->urn);
	else if (*s->area)
		s->label = arena_strdup(r->arena, s->area);
	else
		s->label = "All settings";
	return 0;
}

static void scope_form(const struct req *r, struct resp *o, const struct scope_request *s)
{
	html_lit(o, "<form method=\"get\" action=\"/survey-results\" novalidate><div class=\"govuk-grid-row\">");
	if (r->user->role != ROLE_SCHOOL) {
		html_lit(o, "<div class=\"govuk-grid-column-one-third\">");
		const struct option *areas;
		size_t n = ref_area_filter_options(r->db, r->arena, &areas);
		html_select(o, NULL, &(struct field){.name = "area", .label = "Area", .value = s->area}, areas, n);
		html_lit(o, "</div><div class=\"govuk-grid-column-one-third\">");
		html_input(o, NULL, &(struct field){.name = "urn", .label = "Setting URN (optional)", .value = s->urn,
						    .width = "govuk-input--width-10", .inputmode = "numeric"});
		html_lit(o, "</div>");
	}
	html_lit(o, "<div class=\"govuk-grid-column-one-third\">");
	html_input(o, NULL, &(struct field){.name = "period", .label = "Period", .value = s->period.name,
					    .hint = "Such as AY2025-26 or FY2025-26-Q1", .width = "govuk-input--width-10"});
	html_lit(o, "</div></div>");
	html_button_secondary(o, "Show results");
	html_lit(o, "</form>");
}

/* Formats the same figures go out in. */
enum format { AS_PAGE, AS_CSV, AS_JSON };

static int scope_page(const struct req *r, struct resp *o, const struct scope_request *s,
		      const struct survey_tally t[SURVEY_PHASES])
{
	struct page p = {.title = "Pupil survey results", .nav = "/survey-results", .wide = true};
	page_begin(r, o, &p);
	htmlf(o, "<span class=\"govuk-caption-l\">%h · %h</span><h1 class=\"govuk-heading-l\">Pupil survey results</h1>",
	      s->label, s->period.name);
	scope_form(r, o, s);
	results_table(r, o, t, (const bool[]){true, true});
	htmlf(o, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/survey-results.csv?urn=%u&amp;area=%u&amp;period=%u\">"
		 "Download these figures (CSV)</a></p>",
	      s->urn, s->area, s->period.name);
	page_end(r, o, &p);
	return 200;
}

static int scope_results(const struct req *r, struct resp *o, enum format f)
{
	struct scope_request s;
	int status = scope_from(r, o, &s);
	if (status)
		return status;
	struct survey_tally t[SURVEY_PHASES];
	survey_tally(r->db, &s.scope, t);
	if (f == AS_PAGE)
		return scope_page(r, o, &s, t);
	if (f == AS_CSV)
		return csv_answer(r, o, s.label, s.period.name, t,
				  arena_printf(r->arena, "survey-results-%s%s%s.csv", *s.urn ? s.urn : s.area,
					       *s.urn || *s.area ? "-" : "", s.period.name));
	json_t *j = results_json(t);
	json_object_set_new(j, "scope", json_pack("{s:s?, s:s?, s:s}", "urn", *s.urn ? s.urn : NULL, "area",
						  *s.area ? s.area : NULL, "period", s.period.name));
	return resp_json(o, 200, j);
}

int survey_results_page(const struct req *r, struct resp *o)
{
	return scope_results(r, o, AS_PAGE);
}

int survey_results_csv(const struct req *r, struct resp *o)
{
	return scope_results(r, o, AS_CSV);
}

int survey_results_api(const struct req *r, struct resp *o)
{
	return scope_results(r, o, AS_JSON);
}

/* ---- one run ---- */

/* The run in the path, if this user may see its results (a school user: only their own). */
static int run_scope(const struct req *r, struct resp *o, struct survey_run *run, struct survey_tally t[SURVEY_PHASES])
{
	int64_t id;
	if (!valid_id(req_param(r, 0), &id) || !survey_run_load(r->db, r->arena, id, run) ||
	    !schools_can_see(r->user, run->urn)) {
		if (route_is_api(r->path))
			return resp_error(o, 404, "There is no such survey run.", NULL);
		return page_error(r, o, 404, "Page not found", "There is no such survey.");
	}
	int64_t now = now_utc();
	survey_tally(r->db, &(struct survey_scope){.run_id = run->id, .from = 0, .to = INT64_MAX, .now = now}, t);
	/* A run not yet released shows how many have answered, and nothing of what they said. */
	if (!disclosure_run_released(run->closed_at, run->closes_at, run->responses, now)) {
		struct survey_tally *own = &t[strcmp(run->phase, "pre") == 0 ? SURVEY_PRE : SURVEY_POST];
		memset(own, 0, sizeof *own);
		own->n = run->responses;
		own->withheld = true;
	}
	return 0;
}

static int run_page(const struct req *r, struct resp *o, const struct survey_run *run,
		    const struct survey_tally t[SURVEY_PHASES])
{
	bool staff = r->user->role == ROLE_ADMIN || r->user->role == ROLE_TRAINER;
	bool pre = strcmp(run->phase, "pre") == 0;
	struct page p = {.title = "Survey results", .nav = staff ? "/survey-runs" : "/survey-results", .wide = true,
			 .back = staff ? arena_printf(r->arena, "/survey-runs/%lld", (long long)run->id)
				       : arena_printf(r->arena, "/schools/%s", run->urn)};
	page_begin(r, o, &p);
	char opened[64];
	date_human(run->opened_at, opened, sizeof opened);
	htmlf(o, "<span class=\"govuk-caption-l\">%h · Year %d · %h</span><h1 class=\"govuk-heading-l\">Survey results</h1>"
		 "<p class=\"govuk-body\">Opened on %h.</p>",
	      run->setting_name, run->year_group, pre ? "before the sessions" : "after the sessions", opened);
	if (t[pre ? SURVEY_PRE : SURVEY_POST].withheld)
		html_notice(o, "Results not released yet",
			    "A survey's results are shown once it has closed with at least " DISCLOSURE_STR(DISCLOSURE_MIN)
			    " responses. Until then only the number of responses is shown, so that no pupil's answers can "
			    "be picked out by comparing results before and after they answer.");
	results_table(r, o, t, (const bool[]){pre, !pre});
	htmlf(o, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/survey-runs/%D/results.csv\">Download these "
		 "figures (CSV)</a></p>",
	      run->id);
	page_end(r, o, &p);
	return 200;
}

static int run_results(const struct req *r, struct resp *o, enum format f)
{
	struct survey_run run;
	struct survey_tally t[SURVEY_PHASES];
	int status = run_scope(r, o, &run, t);
	if (status)
		return status;
	if (f == AS_PAGE)
		return run_page(r, o, &run, t);
	if (f == AS_CSV)
		return csv_answer(r, o,
				  arena_printf(r->arena, "survey %lld: %s (URN %s), Year %d, %s", (long long)run.id,
					       run.setting_name, run.urn, run.year_group, run.phase),
				  "", t, arena_printf(r->arena, "survey-%lld-results.csv", (long long)run.id));
	json_t *j = results_json(t);
	json_object_set_new(j, "run", survey_run_json(r, &run));
	return resp_json(o, 200, j);
}

int survey_run_results_page(const struct req *r, struct resp *o)
{
	return run_results(r, o, AS_PAGE);
}

int survey_run_results_csv(const struct req *r, struct resp *o)
{
	return run_results(r, o, AS_CSV);
}

int survey_run_results_api(const struct req *r, struct resp *o)
{
	return run_results(r, o, AS_JSON);
}
