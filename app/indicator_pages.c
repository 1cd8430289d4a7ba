/* indicator_pages.c — what the Board reads: the dashboard (every indicator for a period and area,
 * the same period a year before, baseline, target and status, eight quarters as a chart with
 * their numbers beside it, a breakdown by area), drill-downs to the records counted, the entry of
 * externally sourced figures and of baselines and targets, and the API and command line. */
#include "indicator_pages.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "catalog.h"
#include "chart.h"
#include "db.h"
#include "disclosure.h"
#include "html.h"
#include "indicator_export.h"
#include "indicator_periods.h"
#include "indicator_reads.h"
#include "indicator_summary.h"
#include "indicators.h"
#include "period_select.h"
#include "ref.h"
#include "route.h"
#include "schools.h"
#include "valid.h"

/* ---- periods the dashboard moves between (indicator_periods.c chooses them) ---- */

/* A FY quarter's start year and number, from its name "FY2025-26-Q1". */
static void quarter_parts(const struct period *q, int *fy, int *n)
{
	*fy = q->from.m >= 4 ? q->from.y : q->from.y - 1;
	*n = q->from.m >= 4 ? (q->from.m - 4) / 3 + 1 : 4;
}

/* A short label for a quarter on a chart: "Q1 25-26". */
static const char *quarter_label(struct arena *a, const struct period *q)
{
	return arena_printf(a, "Q%c %.2s-%.2s", q->name[strlen(q->name) - 1], q->name + 4, q->name + 7);
}

/* ---- reading the period and area of a request ---- */

struct scope {
	struct period period;
	const char *area;
	bool span_read; /* span holds the records' dates: read at most once a request (scope_span) */
	struct indicator_span span;
	struct indicator_reads *reads; /* the request's: versions and entered figures read once */
};

/* The dates of the records, for the default period and the periods offered. */
static const struct indicator_span *scope_span(const struct req *r, struct scope *s)
{
	if (!s->span_read) {
		indicator_record_span(r->db, now_utc(), indicator_reads_total(s->reads), &s->span);
		s->span_read = true;
	}
	return &s->span;
}

/* period and area from the query (defaults: the latest quarter holding a record, Greater Essex).
 * Returns 0, or 400 with *field and *error set. */
static int read_scope(const struct req *r, struct scope *s, const char **field, const char **error)
{
	const char *period = req_query(r, "period"), *area = req_query(r, "area");
	s->span_read = false;
	s->reads = indicator_reads_new(r->db, r->arena);
	if (period && *period) {
		if (!period_parse(period, &s->period)) {
			*field = "period";
			*error = "Enter a period like 2025, 2025-07, FY2025-26, FY2025-26-Q1 or AY2025-26";
			return 400;
		}
	} else {
		indicator_default_period(scope_span(r, s), now_utc(), &s->period);
	}
	s->area = area && *area ? area : "greater-essex";
	if (!ref_area_exists(r->db, s->area, false)) {
		*field = "area";
		*error = "Choose an area lantern knows, like essex, southend or basildon";
		return 400;
	}
	return 0;
}

/* ---- exports: the API, the download links and the command line share indicators_export ---- */

int indicators_api_list(const struct req *r, struct resp *o)
{
	struct scope s;
	const char *field = NULL, *error = NULL;
	if (read_scope(r, &s, &field, &error))
		return resp_error(o, 400, error, field);
	int f = export_format_parse(req_query(r, "format"));
	if (f < 0)
		return resp_error(o, 400, "The format is json, csv or adx.", "format");
	const char *breakdown = req_query(r, "breakdown");
	struct buf out = {0};
	int rc = indicators_export(r->db, r->arena, &s.period, s.area, breakdown && strcmp(breakdown, "1") == 0,
				   (enum export_format)f, now_utc(), &out);
	if (rc != 0) {
		buf_free(&out);
		return resp_error(o, 500, "The export could not be written.", NULL);
	}
	rc = resp_text(o, 200, export_content_type((enum export_format)f), out.data, out.len);
	buf_free(&out);
	return rc;
}

/* The dashboard's download links: the same files, named for the period and area. */
int indicators_export_page(const struct req *r, struct resp *o)
{
	struct scope s;
	const char *field = NULL, *error = NULL;
	if (read_scope(r, &s, &field, &error))
		return page_error(r, o, 400, "There is a problem", error);
	int status = indicators_api_list(r, o);
	if (status == 200) {
		const char *format = req_query(r, "format") ? req_query(r, "format") : "json";
		resp_header(o, "Content-Disposition",
			    arena_printf(r->arena, "attachment; filename=\"lantern-%s-%s.%s\"", s.period.name, s.area,
					 strcmp(format, "adx") == 0 ? "xml" : format));
	}
	return status;
}

/* Quarters from..to (FY quarter names), at most 40; default the last eight ending with the
 * latest quarter. */
int indicators_api_series(const struct req *r, struct resp *o)
{
	const struct indicator *ind = indicator_find(req_param(r, 0));
	if (ind == NULL)
		return resp_error(o, 404, "There is no such indicator.", NULL);
	const char *area = req_query(r, "area") && *req_query(r, "area") ? req_query(r, "area") : "greater-essex";
	if (!ref_area_exists(r->db, area, false))
		return resp_error(o, 400, "Choose an area lantern knows, like essex or southend.", "area");
	struct period from, to;
	const char *fs = req_query(r, "from"), *ts = req_query(r, "to");
	if (ts && *ts) {
		if (!period_parse(ts, &to) || to.kind != PERIOD_FY_QUARTER)
			return resp_error(o, 400, "Give to as a quarter, like FY2025-26-Q2.", "to");
	} else {
		indicator_latest_quarter(now_utc(), &to);
	}
	if (fs && *fs) {
		if (!period_parse(fs, &from) || from.kind != PERIOD_FY_QUARTER)
			return resp_error(o, 400, "Give from as a quarter, like FY2024-25-Q3.", "from");
	} else {
		period_quarter_step(&to, -7, &from);
	}
	int fy, n;
	quarter_parts(&from, &fy, &n);
	int first = fy * 4 + n - 1;
	quarter_parts(&to, &fy, &n);
	int count = fy * 4 + n - 1 - first + 1;
	if (count < 1 || count > 40)
		return resp_error(o, 400, "A series runs forwards, over at most 40 quarters.", "from");
	json_t *list = json_array();
	struct indicator_reads *reads = indicator_reads_new(r->db, r->arena);
	for (int i = 0; i < count; i++) {
		struct period q;
		period_quarter_step(&from, i, &q);
		struct indicator_ctx c;
		struct indicator_value v;
		indicator_ctx_init(&c, reads, &q, area, now_utc());
		indicator_compute(ind, &c, &v);
		json_array_append_new(list, indicator_json(ind, &c, &v));
	}
	return resp_json(o, 200, list);
}

int indicators_cli(struct db *db, int argc, char **argv)
{
	const char *period = NULL, *area = "greater-essex", *format = "json";
	bool breakdown = false;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--period") == 0 && i + 1 < argc)
			period = argv[++i];
		else if (strcmp(argv[i], "--area") == 0 && i + 1 < argc)
			area = argv[++i];
		else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
			format = argv[++i];
		else if (strcmp(argv[i], "--breakdown") == 0)
			breakdown = true;
	}
	struct period p;
	if (period == NULL || !period_parse(period, &p)) {
		fputs("lantern: --period: give a period like 2025, 2025-07, FY2025-26, FY2025-26-Q1 or AY2025-26\n", stderr);
		return 2;
	}
	if (!ref_area_exists(db, area, false)) {
		fprintf(stderr, "lantern: --area: no area called %s\n", area);
		return 2;
	}
	int f = export_format_parse(format);
	if (f < 0) {
		fputs("lantern: --format: json, csv or adx\n", stderr);
		return 2;
	}
	struct arena *a = arena_new();
	struct buf out = {0};
	int rc = indicators_export(db, a, &p, area, breakdown, (enum export_format)f, now_utc(), &out);
	if (rc == 0)
		fwrite(out.data, 1, out.len, stdout);
	buf_free(&out);
	arena_free(a);
	return rc == 0 ? 0 : 1;
}

/* ---- externally sourced figures, baselines and targets ---- */

static const char SQL_FIGURE_OLD[] = "SELECT value, source, note FROM external_figures WHERE indicator = ? AND period = ?"
				     " AND area = ?";
static const char SQL_FIGURE_PUT[] =
	"INSERT INTO external_figures (indicator, period, area, value, source, note, entered_by, entered_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (indicator, period, area) DO UPDATE SET value = excluded.value,"
	" source = excluded.source, note = excluded.note, entered_by = excluded.entered_by, entered_at = excluded.entered_at";
static const char SQL_TARGET_PUT[] =
	"INSERT INTO indicator_targets (indicator, kind, period, area, value, note, set_by, set_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (indicator, kind, period, area) DO UPDATE SET value = excluded.value,"
	" note = excluded.note, set_by = excluded.set_by, set_at = excluded.set_at";

/* note, for an external figure: NULL keeps the note it has, "" removes it. note_error: the note was
 * given in a way that cannot be read (the API's non-text, the form's new note with "remove"). */
struct figure_input {
	const char *indicator, *kind, *period, *area, *value, *source, *note;
	const char *note_error;
};

/* Exact text of a number for people and records: 1234567, 12.345678 (never 1.23457e+06). */
static const char *number_text(struct arena *a, double v)
{
	char text[32];
	double_text(v, text);
	return arena_strdup(a, text);
}

/* A JSON string, or null for NULL (malloc'd by jansson; the caller frees). */
static char *json_text(const char *s)
{
	json_t *j = s ? json_string(s) : json_null();
	char *out = json_dumps(j ? j : json_null(), JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
	json_decref(j);
	return out;
}

/* An external figure as the audit trail keeps it: {"value": 1234567, "source": "...", "note": null},
 * the number exact. */
static const char *figure_record(struct arena *a, double value, const char *source, const char *note)
{
	char *src = json_text(source), *nt = json_text(note);
	const char *out = arena_printf(a, "{\"value\": %s, \"source\": %s, \"note\": %s}", number_text(a, value), src, nt);
	free(src);
	free(nt);
	return out;
}

static bool parse_number(const char *s, double *out)
{
	if (s == NULL || *s == '\0' || strlen(s) > 24)
		return false;
	char *end;
	double v = strtod(s, &end);
	if (*end != '\0' || !isfinite(v) || v < 0)
		return false;
	*out = v;
	return true;
}

/* Checks what every figure has: a known period and area and a number. */
static void common_checks(struct db *db, const struct figure_input *in, struct period *p, double *value,
			  struct form_errors *fe)
{
	if (!period_parse(in->period, p))
		form_error(fe, "period", "Enter a period like FY2025-26-Q1, FY2025-26, 2025 or AY2025-26");
	if (!ref_area_exists(db, in->area, false))
		form_error(fe, "area", "Choose an area");
	if (!parse_number(in->value, value))
		form_error(fe, "value", "Enter the figure as a number of 0 or more, like 42 or 12.5");
}

/* An externally sourced figure for O1.6, O1.7 or O5.8, with where it came from; audited. */
static bool figure_save(struct db *db, struct arena *a, int64_t actor, const struct figure_input *in,
			struct form_errors *fe)
{
	const struct indicator *ind = indicator_find(in->indicator);
	if (ind == NULL || ind->kind != IND_EXTERNAL)
		form_error(fe, "indicator", "Choose O1.6, O1.7 or O5.8: only these figures come from outside lantern");
	struct period p;
	double value = 0;
	common_checks(db, in, &p, &value, fe);
	if (!valid_text(in->source, 300, false))
		form_error(fe, "source", "Say where the figure comes from, up to 300 characters");
	if (in->note_error)
		form_error(fe, "note", in->note_error);
	else if (in->note && *in->note && !valid_text(in->note, 2000, true))
		form_error(fe, "note", "The note must be up to 2000 characters");
	if (fe->n || db_begin(db) != DB_OK)
		return false;
	/* A correction keeps the note unless it brings a new one or says to remove it; the audit trail
	 * has the whole figure before and after, so a note kept or removed is on the record too. */
	const char *old = NULL, *note = in->note && *in->note ? in->note : NULL;
	struct db_stmt *st = db_query(db, SQL_FIGURE_OLD, "sss", ind->id, p.name, in->area);
	if (db_next(st)) {
		const char *old_note = arena_strdup(a, db_col_text(st, 2));
		old = figure_record(a, db_col_double(st, 0), db_col_text(st, 1), old_note);
		if (in->note == NULL)
			note = old_note;
	}
	db_done(st);
	enum db_rc rc = db_exec(db, SQL_FIGURE_PUT, "sssdssII", ind->id, p.name, in->area, value, in->source, note, actor,
				now_utc());
	if (rc == DB_OK)
		audit(db, actor, "external-figure", arena_printf(a, "%s/%s/%s", ind->id, p.name, in->area), old ? "update" : "create",
		      old, figure_record(a, value, in->source, note));
	if (rc != DB_OK || db_commit(db) != DB_OK) {
		db_rollback(db);
		return false;
	}
	return true;
}

static bool target_save(struct db *db, struct arena *a, int64_t actor, const struct figure_input *in,
			struct form_errors *fe)
{
	const struct indicator *ind = indicator_find(in->indicator);
	if (ind == NULL)
		form_error(fe, "indicator", "Choose an indicator");
	if (in->kind == NULL || (strcmp(in->kind, "baseline") != 0 && strcmp(in->kind, "target") != 0))
		form_error(fe, "kind", "Say whether this is a baseline or a target");
	struct period p;
	double value = 0;
	common_checks(db, in, &p, &value, fe);
	const char *note = in->note && *in->note ? in->note : NULL;
	if (note && !valid_text(note, 2000, true))
		form_error(fe, "note", "The note must be up to 2000 characters");
	if (fe->n || db_begin(db) != DB_OK)
		return false;
	enum db_rc rc = db_exec(db, SQL_TARGET_PUT, "ssssdsII", ind->id, in->kind, p.name, in->area, value, note, actor,
				now_utc());
	if (rc == DB_OK)
		audit(db, actor, in->kind, arena_printf(a, "%s/%s/%s", ind->id, p.name, in->area), "set", NULL,
		      number_text(a, value));
	if (rc != DB_OK || db_commit(db) != DB_OK) {
		db_rollback(db);
		return false;
	}
	return true;
}

/* The API's note: left out keeps the note the figure has; null or "" removes it. */
static void api_note(const struct req *r, struct figure_input *in)
{
	if (r->json == NULL) {
		in->note = req_field(r, "note");
		return;
	}
	json_t *note = json_object_get(r->json, "note");
	if (note == NULL)
		in->note = NULL;
	else if (json_is_null(note))
		in->note = "";
	else if (json_is_string(note))
		in->note = json_string_value(note);
	else
		in->note_error = "Give the note as text. Leave it out to keep the note the figure has; send null or \"\" "
				 "to remove it";
}

int indicators_api_put_figure(const struct req *r, struct resp *o)
{
	struct figure_input in = {.indicator = req_param(r, 0), .period = req_param(r, 1), .area = req_param(r, 2),
				  .value = req_field(r, "value"), .source = req_field(r, "source")};
	api_note(r, &in);
	struct form_errors fe = {0};
	if (!figure_save(r->db, r->arena, r->user->id, &in, &fe))
		return fe.n ? resp_error(o, 422, fe.e[0].message, fe.e[0].field)
			    : resp_error(o, 500, "The figure could not be saved.", NULL);
	struct period p;
	period_parse(in.period, &p);
	struct indicator_ctx c;
	struct indicator_value v;
	indicator_ctx_init(&c, indicator_reads_new(r->db, r->arena), &p, in.area, now_utc());
	indicator_compute(indicator_find(in.indicator), &c, &v);
	return resp_json(o, 200, indicator_json(indicator_find(in.indicator), &c, &v));
}

int indicators_api_put_target(const struct req *r, struct resp *o)
{
	struct figure_input in = {.indicator = req_param(r, 0), .kind = req_param(r, 1), .period = req_param(r, 2),
				  .area = req_param(r, 3), .value = req_field(r, "value"), .note = req_field(r, "note")};
	struct form_errors fe = {0};
	if (!target_save(r->db, r->arena, r->user->id, &in, &fe))
		return fe.n ? resp_error(o, 422, fe.e[0].message, fe.e[0].field)
			    : resp_error(o, 500, "The figure could not be saved.", NULL);
	return resp_json(o, 200, json_pack("{s:s, s:s, s:s, s:s, s:s}", "indicator", in.indicator, "kind", in.kind, "period",
					   in.period, "area", in.area, "value", in.value));
}

/* ---- the dashboard ---- */

static const char *const outcome_titles[] = {
	[1] = "Outcome 1: young people enjoy healthy relationships",
	[5] = "Outcome 5: communities, professionals and employers recognise abuse and know how to act",
};

static const char *scope_query(struct arena *a, const struct scope *s)
{
	struct buf b = {0};
	buf_puts(&b, "period=");
	url_encode_into(&b, s->period.name);
	buf_puts(&b, "&area=");
	url_encode_into(&b, s->area);
	const char *q = arena_strdup(a, b.data);
	buf_free(&b);
	return q;
}

/* The period as a choice among those indicator_periods.c offers; a period named in the address that is
 * not among them (a month, an older year) leads the list, chosen. */
static void period_select(const struct req *r, struct resp *o, struct scope *s, const struct form_errors *fe)
{
	struct period *choices;
	int n = indicator_period_choices(scope_span(r, s), r->arena, now_utc(), &choices);
	period_select_html(o,
			   &(struct period_select){.choices = choices, .n = n, .chosen = s->period.name,
						   .hint = "Financial years, their quarters, academic and calendar years, "
							   "from the first record to today"},
			   fe);
}

static void scope_form(const struct req *r, struct resp *o, struct scope *s, const char *action,
		       const struct form_errors *fe)
{
	htmlf(o, "<form method=\"get\" action=\"%h\" class=\"lantern-filter\" id=\"filters\">", action);
	period_select(r, o, s, fe);
	const struct option *areas;
	size_t n = ref_area_options(r->db, r->arena, false, &areas);
	html_select(o, fe, &(struct field){.name = "area", .label = "Area", .value = s->area}, areas + 1, n - 1);
	html_button_secondary(o, "Show");
	html_lit(o, "</form>");
	struct period prev, next, current;
	if (s->period.kind == PERIOD_FY_QUARTER && period_quarter_step(&s->period, -1, &prev) &&
	    period_quarter_step(&s->period, 1, &next)) {
		indicator_latest_quarter(now_utc(), &current);
		period_quarter_step(&current, 1, &current);
		htmlf(o, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"%h?period=%u&amp;area=%u\">Previous quarter</a>",
		      action, prev.name, s->area);
		/* No quarter that has not begun: it would hold nothing but zeros. */
		if (!period_starts_before(&current, &next))
			htmlf(o, " · <a class=\"govuk-link\" href=\"%h?period=%u&amp;area=%u\">Next quarter</a>", action,
			      next.name, s->area);
		html_lit(o, "</p>");
	}
}

/* The contexts a dashboard counts in, made once for every indicator: the period, the year before
 * and eight quarters ending with the period's own (or the one it ends in, or the current one if that
 * is still to come: no zeros for quarters that have not happened). */
struct dashboard {
	struct indicator_ctx period, prior;
	bool has_prior;
	struct period quarters[8];
	struct indicator_ctx quarter[8];
	/* the breakdown: the period in each area directly below (none unless asked for) */
	int nchildren;
	const char *child_ids[16], *child_names[16];
	struct indicator_ctx child[16];
};

static void children_init(struct indicator_reads *reads, const struct scope *s, int64_t now, struct dashboard *d)
{
	d->nchildren = ref_area_children(indicator_reads_db(reads), s->area, d->child_ids, d->child_names, 16);
	for (int k = 0; k < d->nchildren; k++)
		indicator_ctx_init(&d->child[k], reads, &s->period, d->child_ids[k], now);
}

static void dashboard_init(const struct scope *s, bool with_breakdown, struct dashboard *d)
{
	int64_t now = now_utc();
	/* One set of reads for every context: the page reads versions and entered figures once. */
	struct indicator_reads *reads = s->reads;
	d->nchildren = 0;
	if (with_breakdown)
		children_init(reads, s, now, d);
	indicator_ctx_init(&d->period, reads, &s->period, s->area, now);
	struct period prior;
	d->has_prior = period_year_before(&s->period, &prior);
	if (d->has_prior)
		indicator_ctx_init(&d->prior, reads, &prior, s->area, now);
	struct period last, current;
	struct period_date end;
	period_last_day(&s->period, &end);
	period_quarter_of(end.y, end.m, &last);
	indicator_latest_quarter(now, &current);
	period_quarter_step(&current, 1, &current);
	if (period_starts_before(&current, &last))
		last = current;
	for (int i = 0; i < 8; i++) {
		period_quarter_step(&last, i - 7, &d->quarters[i]);
		indicator_ctx_init(&d->quarter[i], reads, &d->quarters[i], s->area, now);
	}
}

/* The eight quarters as a chart and a table. */
static void quarters_chart(const struct req *r, struct resp *o, const struct indicator *ind, const struct dashboard *d)
{
	struct chart_point points[8];
	for (int i = 0; i < 8; i++) {
		struct indicator_value v;
		indicator_compute(ind, &d->quarter[i], &v);
		points[i] = (struct chart_point){quarter_label(r->arena, &d->quarters[i]), v.value, !v.available || v.suppressed,
						 indicator_value_text(r->arena, ind, &v)};
	}
	const char *id = arena_printf(r->arena, "chart-%c%c%c", ind->id[0], ind->id[1], ind->id[3]);
	html_lit(o, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">");
	chart_bars(o, id, arena_printf(r->arena, "%s, last eight quarters", ind->title), points, 8);
	html_lit(o, "</div><div class=\"govuk-grid-column-one-third\"><table class=\"govuk-table lantern-table--compact\">"
		    "<caption class=\"govuk-table__caption govuk-table__caption--s\">Last eight quarters</caption>"
		    "<thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">"
		    "<th scope=\"col\" class=\"govuk-table__header\">Quarter</th>"
		    "<th scope=\"col\" class=\"govuk-table__header govuk-table__header--numeric\">Value</th></tr></thead>"
		    "<tbody class=\"govuk-table__body\">");
	for (int i = 0; i < 8; i++)
		htmlf(o, "<tr class=\"govuk-table__row\"><th scope=\"row\" class=\"govuk-table__header\">%h</th>"
			 "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%h</td></tr>",
		      points[i].label, points[i].text);
	html_lit(o, "</tbody></table></div></div>");
}

/* One indicator: its figure with the year before, baseline, target and status, then its chart. */
static void indicator_section(const struct req *r, struct resp *o, const struct indicator *ind, const struct scope *s,
			      const struct dashboard *d)
{
	struct indicator_value v, before = {0};
	indicator_compute(ind, &d->period, &v);
	bool has_prior = d->has_prior;
	if (has_prior)
		indicator_compute(ind, &d->prior, &before);
	bool has_baseline, has_target;
	double baseline = 0, target = 0;
	const char *baseline_period = NULL;
	indicator_targets(&d->period, ind, &has_baseline, &baseline, &baseline_period, &has_target, &target);
	htmlf(o, "<section class=\"lantern-indicator\" id=\"%h\"><h3 class=\"govuk-heading-m\">"
		 "<span class=\"govuk-caption-m\">%h</span>%h</h3>"
		 "<p class=\"govuk-body lantern-indicator__value\"><span class=\"govuk-!-font-size-48 govuk-!-font-weight-bold\">%h</span>",
	      ind->id, ind->id, ind->title, indicator_value_text(r->arena, ind, &v));
	if (v.ratio && v.available && !v.suppressed)
		htmlf(o, " <span class=\"govuk-body-s\">(%D of %D)</span>", v.numerator, v.denominator);
	html_lit(o, "</p><dl class=\"govuk-summary-list govuk-summary-list--no-border\">");
	if (v.has_pre) {
		struct indicator_value pre = {.available = v.pre_available, .value = v.pre_value,
					      .suppressed = v.pre_suppressed, .no_answers = v.pre_no_answers};
		htmlf(o, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Before the programme (pre)"
			 "</dt><dd class=\"govuk-summary-list__value\">%h (%D responses)</dd></div>",
		      indicator_value_text(r->arena, ind, &pre), v.pre_denominator);
	}
	if (has_prior)
		htmlf(o, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">A year before (%h)</dt>"
			 "<dd class=\"govuk-summary-list__value\">%h</dd></div>",
		      d->prior.period.name, indicator_value_text(r->arena, ind, &before));
	htmlf(o, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Baseline</dt>"
		 "<dd class=\"govuk-summary-list__value\">%h</dd></div>"
		 "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Target</dt>"
		 "<dd class=\"govuk-summary-list__value\">%h ",
	      has_baseline ? arena_printf(r->arena, "%s (%s)", indicator_goal_text(r->arena, ind, true, baseline), baseline_period)
			   : "Not set",
	      indicator_goal_text(r->arena, ind, has_target, target));
	indicator_rag_tag(o, ind, &v, has_target, target);
	html_lit(o, "</dd></div>");
	if (ind->kind == IND_EXTERNAL && v.available)
		htmlf(o, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Source</dt>"
			 "<dd class=\"govuk-summary-list__value\">%h%h%h</dd></div>",
		      v.source, v.note ? ". " : "", v.note ? v.note : "");
	htmlf(o, "</dl><p class=\"govuk-body-s\">%h <a class=\"govuk-link\" href=\"/indicators/%u?%h\">See what is "
		 "counted<span class=\"govuk-visually-hidden\"> for %h</span></a></p>",
	      ind->how, ind->id, scope_query(r->arena, s), ind->id);
	quarters_chart(r, o, ind, d);
	html_lit(o, "</section>");
}

/* Each indicator for each area directly below the chosen one. */
static void breakdown(const struct req *r, struct resp *o, const struct scope *s, const struct dashboard *d)
{
	int n = d->nchildren;
	if (n == 0)
		return;
	html_lit(o, "<h2 class=\"govuk-heading-l\" id=\"breakdown\">Breakdown by area</h2>"
		    "<p class=\"govuk-body\">Each area's own dashboard: ");
	const char **cols = arena_alloc(r->arena, (size_t)(n + 1) * sizeof *cols);
	cols[0] = "Indicator";
	for (int k = 0; k < n; k++) {
		htmlf(o, "%h<a class=\"govuk-link\" href=\"/indicators?period=%u&amp;area=%u\">%h</a>", k ? ", " : "",
		      s->period.name, d->child_ids[k], d->child_names[k]);
		cols[k + 1] = arena_printf(r->arena, "#%s", d->child_names[k]);
	}
	html_lit(o, ".</p>");
	html_table_begin(o, NULL, cols, (size_t)(n + 1));
	for (int i = 0; i < indicators_count; i++) {
		htmlf(o, "<tr class=\"govuk-table__row\"><th scope=\"row\" class=\"govuk-table__header\">%h %h</th>",
		      indicators[i].id, indicators[i].title);
		for (int k = 0; k < n; k++) {
			struct indicator_value v;
			indicator_compute(&indicators[i], &d->child[k], &v);
			htmlf(o, "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%h</td>",
			      indicator_value_brief(r->arena, &indicators[i], &v));
		}
		html_lit(o, "</tr>");
	}
	html_table_end(o);
}

int indicators_dashboard(const struct req *r, struct resp *o)
{
	struct scope s;
	const char *field = NULL, *error = NULL;
	struct form_errors fe = {0};
	int status = 200;
	if (read_scope(r, &s, &field, &error)) {
		form_error(&fe, field, error);
		indicator_default_period(scope_span(r, &s), now_utc(), &s.period);
		s.area = "greater-essex";
		status = 400;
	}
	char days[96];
	period_days_human(&s.period, days, sizeof days);
	struct page p = {.title = "Indicators", .nav = "/indicators", .wide = true, .errors = &fe};
	page_begin(r, o, &p);
	/* The summary first, so the first screen holds the figures; the filters follow it. */
	htmlf(o, "<span class=\"govuk-caption-l\">%h, %h</span><h1 class=\"govuk-heading-xl\">Outcome 1 and Outcome 5 "
		 "indicators</h1><p class=\"govuk-body\">%h. Figures count everything in the area and the areas within "
		 "it. <a class=\"govuk-link\" href=\"#filters\">Change the period or area</a></p>",
	      ref_area_name(r->db, s.area), s.period.name, days);
	struct dashboard d;
	dashboard_init(&s, true, &d);
	indicator_summary(r, o, &d.period, d.has_prior ? &d.prior : NULL);
	htmlf(o, "<p class=\"govuk-body-s\">Met: the target is reached. Nearly met: within %d%% of it. Not met: further "
		 "from it. A quarter without a target of its own is judged against its financial year's.</p>"
		 "<h2 class=\"govuk-heading-m\">Period and area</h2>",
	      INDICATOR_AMBER_PERCENT);
	scope_form(r, o, &s, "/indicators", &fe);
	const char *q = scope_query(r->arena, &s);
	htmlf(o, "<p class=\"govuk-body\">Download every figure: <a class=\"govuk-link\" href=\"/indicators/export?%h&amp;"
		 "format=csv\">CSV</a> · <a class=\"govuk-link\" href=\"/indicators/export?%h&amp;format=json\">JSON</a> · "
		 "<a class=\"govuk-link\" href=\"/indicators/export?%h&amp;format=adx&amp;breakdown=1\">ADX for DHIS2</a></p>",
	      q, q, q);
	for (int outcome = 1; outcome <= 5; outcome += 4) {
		htmlf(o, "<h2 class=\"govuk-heading-l\">%h</h2>", outcome_titles[outcome]);
		for (int i = 0; i < indicators_count; i++)
			if (indicators[i].outcome == outcome)
				indicator_section(r, o, &indicators[i], &s, &d);
	}
	breakdown(r, o, &s, &d);
	page_end(r, o, &p);
	return status;
}

/* What the Board opens first: the dashboard's default (the latest quarter holding a record) and the
 * last whole financial year, for Greater Essex. */
void indicators_warm(struct db *db, struct arena *a)
{
	int64_t now = now_utc();
	struct scope scopes[2] = {{.area = "greater-essex"}, {.area = "greater-essex"}};
	db_snapshot_begin(db);
	struct indicator_span span;
	indicator_record_span(db, now, -1, &span);
	indicator_default_period(&span, now, &scopes[0].period);
	struct period latest, this_year;
	indicator_latest_quarter(now, &latest);
	char fy[16];
	snprintf(fy, sizeof fy, "%.9s", latest.name); /* "FY2026-27" of "FY2026-27-Q2" */
	if (!period_parse(fy, &this_year) || !period_year_before(&this_year, &scopes[1].period)) {
		db_snapshot_end(db);
		return;
	}
	for (int k = 0; k < 2; k++) {
		struct dashboard d;
		scopes[k].reads = indicator_reads_new(db, a);
		dashboard_init(&scopes[k], true, &d);
		/* Every context the page counts in; the cache keeps what indicator_compute finds. */
		const struct indicator_ctx *all[2 + 8 + 16];
		int n = 0;
		all[n++] = &d.period;
		if (d.has_prior)
			all[n++] = &d.prior;
		for (int q = 0; q < 8; q++)
			all[n++] = &d.quarter[q];
		for (int c = 0; c < d.nchildren; c++)
			all[n++] = &d.child[c];
		for (int c = 0; c < n; c++)
			for (int i = 0; i < indicators_count; i++) {
				struct indicator_value v;
				indicator_compute(&indicators[i], all[c], &v);
			}
	}
	db_snapshot_end(db);
}

/* ---- drill-down: the records behind a figure ---- */

/* Each query lists what the indicator of the same name counts, for the period and area. */
static const char SQL_DRILL_DELIVERIES[] =
	"SELECT d.delivered_on, s.name, s.urn, s.phase, d.module_id, d.year_group, d.pupils_reached, d.course_id FROM deliveries d"
	" JOIN settings s ON s.urn = d.urn WHERE d.delivered_on >= :from AND d.delivered_on < :to"
	" AND s.area IN (SELECT descendant FROM area_tree WHERE ancestor = :area)"
	" AND (:kind <> 'O1.1' OR (d.course_id = 'risk-avert' AND s.phase IN ('secondary', 'all-through', 'special',"
	" 'alternative-provision')))"
	" AND (:kind <> 'O1.2' OR s.phase <> 'he') AND (:kind <> 'O1.3' OR s.phase IN ('fe-college', 'he'))"
	" ORDER BY d.delivered_on, s.name LIMIT 500";
#define EVALUATIONS_OF(s) " (SELECT count(*) FROM evaluations e JOIN bookings b ON b.id = e.booking_id WHERE b.session_id = " s ".id)"
/* Per session: evaluations are counted for all, but who was confident only for released ones. */
static const char SQL_DRILL_SESSIONS[] =
	"SELECT s.id, s.course_id, s.ends_at, s.venue_name, (SELECT name FROM areas WHERE id = s.area),"
	" (SELECT count(*) FROM bookings b WHERE b.session_id = s.id AND b.booked_at IS NOT NULL AND b.booked_at <= s.starts_at"
	" AND (b.cancelled_at IS NULL OR b.cancelled_at > s.starts_at)),"
	" (SELECT count(*) FROM bookings b WHERE b.session_id = s.id AND b.status IN ('attended', 'late', 'partial')),"
	EVALUATIONS_OF("s") ","
	DISCLOSURE_RELEASED_ONLY(DISCLOSURE_WINDOW_OVER("s", ":now"), EVALUATIONS_OF("s"),
				 "(SELECT count(*) FROM evaluations e JOIN bookings b ON b.id = e.booking_id"
				 " WHERE b.session_id = s.id AND e.act_after >= 4)")
	" FROM sessions s WHERE s.status = 'scheduled' AND s.school_urn IS NULL AND s.ends_at <= :now"
	" AND s.ends_at >= :fromt AND s.ends_at < :tot AND s.area IN (SELECT descendant FROM area_tree WHERE ancestor = :area)"
	" ORDER BY s.ends_at LIMIT 500";
/* Runs opened in the period, each whole: its responses so far, and good understanding only if released. */
static const char SQL_DRILL_RUNS[] =
	"SELECT u.id, s.name, u.year_group, u.phase, count(r.id),"
	DISCLOSURE_RELEASED_ONLY(DISCLOSURE_RUN_CLOSED("u", ":now"), "count(r.id)", "sum(r.good_understanding)")
	" FROM survey_runs u JOIN settings s ON s.urn = u.urn LEFT JOIN survey_responses r ON r.run_id = u.id"
	" WHERE u.opened_at >= :fromt AND u.opened_at < :tot"
	" AND s.area IN (SELECT descendant FROM area_tree WHERE ancestor = :area) GROUP BY u.id, s.urn ORDER BY u.opened_at LIMIT 500";
static const char SQL_DRILL_PLACEMENTS[] =
	"SELECT p.campaign_id, p.material_id, p.place, (SELECT name FROM areas WHERE id = p.area), p.placed_on, p.quantity,"
	" (SELECT count(*) FROM scans c WHERE c.placement_id = p.id AND c.scanned_at >= :fromt AND c.scanned_at < :tot)"
	" FROM placements p WHERE p.placed_on < :to AND p.area IN (SELECT descendant FROM area_tree WHERE ancestor = :area)"
	" ORDER BY 7 DESC, p.placed_on LIMIT 500";
static const char SQL_DRILL_PLEDGES[] =
	"SELECT e.employer, x.name, a.name, e.signed_on FROM employer_pledges e JOIN sectors x ON x.id = e.sector"
	" JOIN areas a ON a.id = e.area WHERE e.signed_on < :to"
	" AND e.area IN (SELECT descendant FROM area_tree WHERE ancestor = :area) ORDER BY e.signed_on LIMIT 500";
static const char SQL_DRILL_EXTERNAL[] =
	"SELECT f.value, f.source, coalesce(f.note, ''), coalesce(u.name, 'lantern'), f.entered_at FROM external_figures f"
	" LEFT JOIN users u ON u.id = f.entered_by WHERE f.indicator = :kind AND f.period = :period AND f.area = :area";

static struct db_stmt *drill_query(const struct req *r, const char *sql, const struct indicator *ind, const struct scope *s)
{
	int64_t from, to;
	period_bounds_utc(&s->period, &from, &to);
	char from_date[11], to_date[11];
	period_date_text(&s->period.from, from_date);
	period_date_text(&s->period.to, to_date);
	const struct db_named vals[] = {
		{":area", s->area, 0},       {":from", from_date, 0}, {":to", to_date, 0},         {":fromt", NULL, from},
		{":tot", NULL, to},          {":now", NULL, now_utc()}, {":kind", ind->id, 0}, {":period", s->period.name, 0},
	};
	return db_query_named(r->db, sql, vals, (int)ARRAY_LEN(vals));
}

static void table_head(struct resp *o, const char *const *cols, int n)
{
	html_lit(o, "<div class=\"lantern-table-scroll\">");
	html_table_begin(o, NULL, cols, (size_t)n);
}

static void cell(struct resp *o, const char *text)
{
	htmlf(o, "<td class=\"govuk-table__cell\">%h</td>", text ? text : "");
}

static void cell_int(struct resp *o, int64_t v)
{
	htmlf(o, "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%D</td>", v);
}

/* A record's date ("2026-03-05") as people read it ("5 March 2026"). */
static void cell_day(struct resp *o, const char *date)
{
	char text[32];
	period_ymd_human(date, text, sizeof text);
	cell(o, text);
}

/* Names from the catalogue for the codes records keep. */
static const char *course_title(const char *id)
{
	const struct course *c = catalog_course(id);
	return c ? c->title : id;
}

static const char *module_title(const char *course, const char *module)
{
	const struct course *c = catalog_course(course);
	const struct module *m = c ? catalog_module(c, module) : NULL;
	return m ? m->title : c && strcmp(c->id, module) == 0 ? c->title : module;
}

static const char *campaign_title(const char *id)
{
	const struct campaign *c = catalog_campaign(id);
	return c ? c->title : id;
}

static const char *material_title(const char *campaign, const char *material)
{
	const struct campaign *c = catalog_campaign(campaign);
	const struct material *m = c ? campaign_material(c, material) : NULL;
	return m ? m->title : material;
}

/* What a drill-down shows for a run or session whose answers are not released (disclosure.h). */
#define NOT_RELEASED "Not released: open, or " DISCLOSURE_SUPPRESSED_TEXT

static int drill_rows(const struct req *r, struct resp *o, const struct indicator *ind, const struct scope *s)
{
	int rows = 0;
	struct db_stmt *st;
	const char *records = ind->records;
	if (strcmp(records, "deliveries") == 0) {
		static const char *const cols[] = {"Date", "Setting", "URN", "Phase", "Module", "Year", "Pupils reached"};
		table_head(o, cols, 7);
		for (st = drill_query(r, SQL_DRILL_DELIVERIES, ind, s); db_next(st); rows++) {
			const char *phase = schools_phase_label(db_col_text(st, 3));
			html_lit(o, "<tr class=\"govuk-table__row\">");
			cell_day(o, db_col_text(st, 0));
			cell(o, db_col_text(st, 1));
			cell(o, db_col_text(st, 2));
			cell(o, phase ? phase : db_col_text(st, 3));
			cell(o, module_title(db_col_text(st, 7), db_col_text(st, 4)));
			cell_int(o, db_col_int64(st, 5));
			cell_int(o, db_col_int64(st, 6));
			html_lit(o, "</tr>");
		}
	} else if (strcmp(records, "sessions") == 0 || strcmp(records, "attendances") == 0 ||
		   strcmp(records, "evaluations") == 0) {
		/* Per session, never per person: who attended stays with the session's trainers. */
		static const char *const cols[] = {"Session", "Ended", "Venue", "Area", "Places held at start",
						   "Attended", "Evaluations", "Confident to act"};
		table_head(o, cols, 8);
		for (st = drill_query(r, SQL_DRILL_SESSIONS, ind, s); db_next(st); rows++) {
			char when[80];
			time_human(db_col_int64(st, 2), when, sizeof when);
			htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a class=\"govuk-link\" "
				 "href=\"/sessions/%D\">%h</a></td>",
			      db_col_int64(st, 0), course_title(db_col_text(st, 1)));
			cell(o, when);
			cell(o, db_col_text(st, 3));
			cell(o, db_col_text(st, 4));
			for (int c = 5; c <= 7; c++)
				cell_int(o, db_col_int64(st, c));
			if (db_col_null(st, 8))
				cell(o, NOT_RELEASED);
			else
				cell_int(o, db_col_int64(st, 8));
			html_lit(o, "</tr>");
		}
	} else if (strcmp(records, "survey runs") == 0) {
		static const char *const cols[] = {"Run", "Setting", "Year", "Phase", "Responses", "Good understanding"};
		table_head(o, cols, 6);
		for (st = drill_query(r, SQL_DRILL_RUNS, ind, s); db_next(st); rows++) {
			int64_t n = db_col_int64(st, 4), good = db_col_int64(st, 5);
			htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%D</td>", db_col_int64(st, 0));
			cell(o, db_col_text(st, 1));
			cell_int(o, db_col_int64(st, 2));
			cell(o, db_col_text(st, 3));
			cell_int(o, n);
			struct disclosure_figure f = disclosure_figure(good, n, db_col_null(st, 5));
			cell(o, f.suppressed ? NOT_RELEASED : arena_printf(r->arena, "%lld.%lld%%", (long long)(f.tenths / 10),
									   (long long)(f.tenths % 10)));
			html_lit(o, "</tr>");
		}
	} else if (strcmp(records, "placements") == 0) {
		static const char *const cols[] = {"Campaign", "Material", "Place", "Area", "Placed", "Quantity", "Scans in period"};
		table_head(o, cols, 7);
		for (st = drill_query(r, SQL_DRILL_PLACEMENTS, ind, s); db_next(st); rows++) {
			const char *campaign = db_col_text(st, 0);
			html_lit(o, "<tr class=\"govuk-table__row\">");
			cell(o, campaign_title(campaign));
			cell(o, material_title(campaign, db_col_text(st, 1)));
			cell(o, db_col_text(st, 2));
			cell(o, db_col_text(st, 3));
			cell_day(o, db_col_text(st, 4));
			cell_int(o, db_col_int64(st, 5));
			cell_int(o, db_col_int64(st, 6));
			html_lit(o, "</tr>");
		}
	} else if (strcmp(records, "pledges") == 0) {
		static const char *const cols[] = {"Employer", "Sector", "Area", "Signed"};
		table_head(o, cols, 4);
		for (st = drill_query(r, SQL_DRILL_PLEDGES, ind, s); db_next(st); rows++) {
			html_lit(o, "<tr class=\"govuk-table__row\">");
			for (int c = 0; c < 3; c++)
				cell(o, db_col_text(st, c));
			cell_day(o, db_col_text(st, 3));
			html_lit(o, "</tr>");
		}
	} else {
		static const char *const cols[] = {"Figure", "Source", "Note", "Entered by", "When"};
		table_head(o, cols, 5);
		for (st = drill_query(r, SQL_DRILL_EXTERNAL, ind, s); db_next(st); rows++) {
			char when[80];
			time_human(db_col_int64(st, 4), when, sizeof when);
			htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%h</td>",
			      number_text(r->arena, db_col_double(st, 0)));
			for (int c = 1; c < 4; c++)
				cell(o, db_col_text(st, c));
			cell(o, when);
			html_lit(o, "</tr>");
		}
	}
	db_done(st);
	html_lit(o, "</tbody></table></div>");
	return rows;
}

int indicators_detail_page(const struct req *r, struct resp *o)
{
	const struct indicator *ind = indicator_find(req_param(r, 0));
	if (ind == NULL)
		return page_error(r, o, 404, "Page not found", "There is no such indicator.");
	struct scope s;
	const char *field = NULL, *error = NULL;
	if (read_scope(r, &s, &field, &error))
		return page_error(r, o, 400, "There is a problem", error);
	struct page p = {.title = arena_printf(r->arena, "%s %s", ind->id, ind->title), .nav = "/indicators", .wide = true,
			 .back = arena_printf(r->arena, "/indicators?%s#%s", scope_query(r->arena, &s), ind->id)};
	page_begin(r, o, &p);
	char days[96];
	period_days_human(&s.period, days, sizeof days);
	htmlf(o, "<span class=\"govuk-caption-l\">%h, %h, %h</span><h1 class=\"govuk-heading-xl\">%h</h1>"
		 "<p class=\"govuk-body\">%h.</p>",
	      ind->id, ref_area_name(r->db, s.area), s.period.name, ind->title, days);
	scope_form(r, o, &s, arena_printf(r->arena, "/indicators/%s", ind->id), NULL);
	struct dashboard d;
	dashboard_init(&s, false, &d);
	indicator_section(r, o, ind, &s, &d);
	htmlf(o, "<h2 class=\"govuk-heading-l\">What is counted</h2><p class=\"govuk-body\">%h</p>", ind->how);
	int rows = drill_rows(r, o, ind, &s);
	if (rows == 0)
		html_lit(o, "<p class=\"govuk-body\">Nothing to list for this period and area.</p>");
	else if (rows >= 500)
		html_lit(o, "<p class=\"govuk-body\">The first 500 are shown; download the export for all figures.</p>");
	page_end(r, o, &p);
	return 200;
}

/* ---- entering external figures (analysts) and baselines and targets (admins) ---- */

static const char SQL_FIGURES[] = "SELECT f.indicator, f.period, a.name, f.value, f.source, coalesce(u.name, ''), f.entered_at"
				  " FROM external_figures f JOIN areas a ON a.id = f.area LEFT JOIN users u ON u.id = f.entered_by"
				  " ORDER BY f.entered_at DESC LIMIT 200";
static const char SQL_TARGETS[] = "SELECT t.indicator, t.kind, t.period, a.name, t.value, coalesce(t.note, '')"
				  " FROM indicator_targets t JOIN areas a ON a.id = t.area ORDER BY t.indicator, t.kind, t.period LIMIT 500";

static bool remove_note_ticked(const struct req *r)
{
	const char *remove = req_form(r, "remove_note");
	return remove && strcmp(remove, "1") == 0;
}

/* The form always sends its note box: left blank, it keeps the note a figure has (as leaving "note"
 * out of the API does); "Remove the note" removes it. */
static struct figure_input figure_from(const struct req *r)
{
	struct figure_input in = {.indicator = req_form(r, "indicator"), .kind = req_form(r, "kind"),
				  .period = req_form(r, "period"), .area = req_form(r, "area"), .value = req_form(r, "value"),
				  .source = req_form(r, "source"), .note = req_form(r, "note")};
	bool blank = in.note == NULL || *in.note == '\0';
	if (remove_note_ticked(r)) {
		if (blank)
			in.note = "";
		else
			in.note_error = "Write a new note or tick Remove the note, not both";
	} else if (blank) {
		in.note = NULL;
	}
	return in;
}

static void figure_fields(const struct req *r, struct resp *o, const struct form_errors *fe, bool external)
{
	struct figure_input in = figure_from(r);
	struct option inds[1 + 32];
	size_t n = 0;
	inds[n++] = (struct option){"", "Choose"};
	for (int i = 0; i < indicators_count && n < ARRAY_LEN(inds); i++)
		if (!external || indicators[i].kind == IND_EXTERNAL)
			inds[n++] = (struct option){indicators[i].id, arena_printf(r->arena, "%s %s", indicators[i].id,
										 indicators[i].title)};
	html_select(o, fe, &(struct field){.name = "indicator", .label = "Indicator", .value = in.indicator}, inds, n);
	if (!external) {
		static const struct option kinds[] = {{"baseline", "Baseline"}, {"target", "Target"}};
		html_radios(o, fe, &(struct field){.name = "kind", .label = "Baseline or target", .value = in.kind}, kinds, 2);
	}
	html_input(o, fe, &(struct field){.name = "period", .label = "Period", .value = in.period,
					  .hint = "For example FY2025-26-Q1, FY2025-26, AY2025-26 or 2025",
					  .width = "govuk-input--width-10"});
	const struct option *areas;
	size_t na = ref_area_options(r->db, r->arena, false, &areas);
	html_select(o, fe, &(struct field){.name = "area", .label = "Area", .value = in.area}, areas, na);
	html_input(o, fe, &(struct field){.name = "value", .label = "Value", .value = in.value, .inputmode = "decimal",
					  .width = "govuk-input--width-10"});
	if (external)
		html_input(o, fe, &(struct field){.name = "source", .label = "Source", .value = in.source,
						  .hint = "Who produced the figure, and the report or data set it comes from"});
	if (!external) {
		html_textarea(o, fe, &(struct field){.name = "note", .label = "Note (optional)", .value = in.note});
		return;
	}
	html_textarea(o, fe, &(struct field){.name = "note", .label = "Note (optional)", .value = in.note,
					     .hint = "Left blank, a figure entered again keeps the note it has"});
	htmlf(o, "<div class=\"govuk-form-group\"><div class=\"govuk-checkboxes govuk-checkboxes--small\" "
		 "data-module=\"govuk-checkboxes\"><div class=\"govuk-checkboxes__item\">"
		 "<input class=\"govuk-checkboxes__input\" id=\"remove_note\" name=\"remove_note\" type=\"checkbox\" "
		 "value=\"1\"%h><label class=\"govuk-label govuk-checkboxes__label\" for=\"remove_note\">Remove the note"
		 "</label></div></div></div>",
	      remove_note_ticked(r) ? " checked" : "");
}

static void list_figures(const struct req *r, struct resp *o)
{
	static const char *const cols[] = {"Indicator", "Period", "Area", "Value", "Source", "Entered by", "When"};
	table_head(o, cols, 7);
	struct db_stmt *st = db_query(r->db, SQL_FIGURES, "");
	while (db_next(st)) {
		char when[80];
		time_human(db_col_int64(st, 6), when, sizeof when);
		html_lit(o, "<tr class=\"govuk-table__row\">");
		for (int c = 0; c < 3; c++)
			cell(o, db_col_text(st, c));
		cell(o, number_text(r->arena, db_col_double(st, 3)));
		cell(o, db_col_text(st, 4));
		cell(o, db_col_text(st, 5));
		cell(o, when);
		html_lit(o, "</tr>");
	}
	db_done(st);
	html_lit(o, "</tbody></table></div>");
}

static void list_targets(const struct req *r, struct resp *o)
{
	static const char *const cols[] = {"Indicator", "Kind", "Period", "Area", "Value", "Note"};
	table_head(o, cols, 6);
	struct db_stmt *st = db_query(r->db, SQL_TARGETS, "");
	while (db_next(st)) {
		html_lit(o, "<tr class=\"govuk-table__row\">");
		for (int c = 0; c < 4; c++)
			cell(o, db_col_text(st, c));
		cell(o, number_text(r->arena, db_col_double(st, 4)));
		cell(o, db_col_text(st, 5));
		html_lit(o, "</tr>");
	}
	db_done(st);
	html_lit(o, "</tbody></table></div>");
}

/* The two entry forms differ only in their words, fields, saving and list. */
static const struct figure_form {
	const char *title, *path, *intro, *listed;
	bool external;
	bool (*save)(struct db *, struct arena *, int64_t, const struct figure_input *, struct form_errors *);
	void (*list)(const struct req *, struct resp *);
} figures_form = {"Externally sourced figures", "/indicators/figures",
		  "O1.6, O1.7 and O5.8 come from outside lantern (police and community safety data). Enter each for a "
		  "period and area with its source; nothing is ever estimated. Entering a figure again for the same period "
		  "and area replaces its value and source and keeps its note unless you write a new one or remove it; "
		  "the figure before and after is kept in the audit trail.",
		  "Entered so far", true, figure_save, list_figures},
  targets_form = {"Baselines and targets", "/indicators/targets",
		  "A baseline is where an indicator started (say which period it describes); a target is what the Board "
		  "aims for in a period. A quarter with no target of its own is judged against its financial year's.",
		  "Set so far", false, target_save, list_targets};

static int render_form(const struct req *r, struct resp *o, const struct figure_form *f, const struct form_errors *fe,
		       int status)
{
	struct page p = {.title = f->title, .nav = f->path, .errors = fe, .wide = true};
	page_begin(r, o, &p);
	htmlf(o, "<h1 class=\"govuk-heading-l\">%h</h1><p class=\"govuk-body\">%h</p>", f->title, f->intro);
	if (req_query(r, "done"))
		html_notice(o, "Saved", NULL);
	html_lit(o, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">");
	html_form_begin(r, o, f->path);
	figure_fields(r, o, fe, f->external);
	html_button(o, "Save");
	html_form_end(o);
	htmlf(o, "</div></div><h2 class=\"govuk-heading-m\">%h</h2>", f->listed);
	f->list(r, o);
	page_end(r, o, &p);
	return status;
}

static int submit_form(const struct req *r, struct resp *o, const struct figure_form *f)
{
	struct figure_input in = figure_from(r);
	struct form_errors fe = {0};
	if (!f->save(r->db, r->arena, r->user->id, &in, &fe))
		return fe.n ? render_form(r, o, f, &fe, 400)
			    : page_error(r, o, 500, "Sorry, there is a problem with the service", "Try again later.");
	return resp_redirect(o, arena_printf(r->arena, "%s?done=1", f->path));
}

int indicators_figures_page(const struct req *r, struct resp *o)
{
	return render_form(r, o, &figures_form, NULL, 200);
}

int indicators_figures_post(const struct req *r, struct resp *o)
{
	return submit_form(r, o, &figures_form);
}

int indicators_targets_page(const struct req *r, struct resp *o)
{
	return render_form(r, o, &targets_form, NULL, 200);
}

int indicators_targets_post(const struct req *r, struct resp *o)
{
	return submit_form(r, o, &targets_form);
}
