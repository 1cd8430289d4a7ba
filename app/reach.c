/* reach.c — a campaign's reach for a period. The figures are gathered once into a struct reach and
 * then written as a page (chart beside its table, then the breakdowns) or as JSON, so the two never
 * disagree. A scan belongs to the district of its placement; a period boundary is local midnight. */
#include "reach.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "period.h"
#include "campaigns.h"
#include "catalog.h"
#include "chart.h"
#include "db.h"
#include "indicator_periods.h"
#include "period_select.h"
#include "ref.h"
#include "valid.h"

enum { REACH_MAX_BUCKETS = 62, REACH_MAX_ROWS = 500 };

struct bucket {
	char label[16];
	int64_t from, to; /* UTC instants, half-open */
	int64_t scans;
};

/* One line of a breakdown: a placement, material or district. */
struct row {
	const char *key, *label, *extra, *placed_on;
	int64_t id, placements, copies, scans;
};

struct rows {
	struct row *items;
	int n;
};

struct other {
	const char *kind, *happened_on, *area, *source, *note;
	int64_t count;
};

struct reach {
	const struct campaign *c;
	const char *period; /* the name asked for, or NULL for the campaign's whole life so far */
	char from[16], to[16]; /* dates, half-open */
	char until[16];        /* the end of what is counted and drawn: to, or tomorrow if sooner */
	char first[16];        /* the campaign's first day: its start, or its first placement if earlier */
	int64_t from_at, to_at;
	struct bucket buckets[REACH_MAX_BUCKETS];
	int nbuckets;
	bool daily;
	int64_t scans, placements, copies, helpful, not_helpful;
	struct rows by_placement, by_material, by_area, covered, not_covered;
	struct other *others;
	int nothers;
};

static int64_t midnight_of(const char *date)
{
	int y, m, d;
	return valid_date(date, &y, &m, &d) ? local_midnight(y, m, d) : 0;
}

/* "YYYY-MM-DD" of the calendar date (y, m, d), normalising overflowing days and months. */
static void format_date(char out[16], int y, int m, int d)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
	timegm(&tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

static void date_add_days(const char *date, int days, char out[16])
{
	int y, m, d;
	valid_date(date, &y, &m, &d);
	format_date(out, y, m, d + days);
}

/* Buckets of a day each for short periods, else of a calendar month; none after today, which would
 * only ever be drawn as zero. */
static void make_buckets(struct reach *rc)
{
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int days = (int)((rc->to_at - rc->from_at + 43200) / 86400);
	rc->daily = days <= 31;
	char at[16];
	memcpy(at, rc->from, sizeof at);
	while (strcmp(at, rc->until) < 0 && rc->nbuckets < REACH_MAX_BUCKETS) {
		struct bucket *b = &rc->buckets[rc->nbuckets++];
		int y, m, d;
		valid_date(at, &y, &m, &d);
		char next[16];
		if (rc->daily) {
			snprintf(b->label, sizeof b->label, "%d %s", d, months[m - 1]);
			date_add_days(at, 1, next);
		} else {
			snprintf(b->label, sizeof b->label, "%s %d", months[m - 1], y);
			format_date(next, y, m + 1, 1);
		}
		if (strcmp(next, rc->until) > 0)
			memcpy(next, rc->until, sizeof next);
		b->from = midnight_of(at);
		b->to = midnight_of(next);
		memcpy(at, next, sizeof at);
	}
}

static const char SQL_SCANS_BETWEEN[] =
	"SELECT count(*) FROM scans s JOIN placements p ON p.id = s.placement_id"
	" WHERE p.campaign_id = ? AND s.scanned_at >= ? AND s.scanned_at < ?";
static const char SQL_FIRST_PLACED[] = "SELECT min(placed_on) FROM placements WHERE campaign_id = ?";
/* Placements with their scans in the period; copies count when placed in the period. */
static const char SQL_BY_PLACEMENT[] =
	"SELECT p.id, p.material_id, p.place, a.name, p.placed_on, p.quantity * (p.placed_on >= ?2 AND p.placed_on < ?3),"
	" (SELECT count(*) FROM scans s WHERE s.placement_id = p.id AND s.scanned_at >= ?4 AND s.scanned_at < ?5) AS n"
	" FROM placements p JOIN areas a ON a.id = p.area WHERE p.campaign_id = ?1 AND p.placed_on < ?3"
	" ORDER BY n DESC, p.placed_on DESC LIMIT 500";
static const char SQL_BY_MATERIAL[] =
	"SELECT p.material_id, count(*) FILTER (WHERE p.placed_on >= ?2 AND p.placed_on < ?3),"
	" coalesce(sum(p.quantity) FILTER (WHERE p.placed_on >= ?2 AND p.placed_on < ?3), 0),"
	" (SELECT count(*) FROM scans s JOIN placements q ON q.id = s.placement_id WHERE q.campaign_id = ?1"
	"  AND q.material_id = p.material_id AND s.scanned_at >= ?4 AND s.scanned_at < ?5)"
	" FROM placements p WHERE p.campaign_id = ?1 AND p.placed_on < ?3 GROUP BY p.material_id ORDER BY p.material_id";
/* Every district, with what the campaign placed and scanned there; covered means a placement there
 * by the end of the period. */
static const char SQL_BY_AREA[] =
	"SELECT a.id, a.name, count(*) FILTER (WHERE p.placed_on >= ?2 AND p.placed_on < ?3),"
	" coalesce(sum(p.quantity) FILTER (WHERE p.placed_on >= ?2 AND p.placed_on < ?3), 0),"
	" (SELECT count(*) FROM scans s JOIN placements q ON q.id = s.placement_id WHERE q.campaign_id = ?1"
	"  AND q.area = a.id AND s.scanned_at >= ?4 AND s.scanned_at < ?5), count(p.id)"
	" FROM areas a LEFT JOIN placements p ON p.area = a.id AND p.campaign_id = ?1 AND p.placed_on < ?3"
	" WHERE a.is_leaf = 1 GROUP BY a.id ORDER BY a.name";
static const char SQL_OTHERS[] =
	"SELECT r.kind, r.happened_on, a.name, r.count, r.source, coalesce(r.note, '') FROM campaign_reach r"
	" JOIN areas a ON a.id = r.area WHERE r.campaign_id = ? AND r.happened_on >= ? AND r.happened_on < ?"
	" ORDER BY r.happened_on, r.id LIMIT 500";
static const char SQL_FEEDBACK[] =
	"SELECT coalesce(sum(count * helpful), 0), coalesce(sum(count * (1 - helpful)), 0) FROM page_feedback"
	" WHERE page = ? AND given_on >= ? AND given_on < ?";

static struct row *add_row(struct arena *a, struct rows *rows)
{
	if (rows->items == NULL)
		rows->items = arena_alloc(a, REACH_MAX_ROWS * sizeof *rows->items);
	if (rows->n == REACH_MAX_ROWS)
		return NULL;
	struct row *row = &rows->items[rows->n++];
	memset(row, 0, sizeof *row);
	return row;
}

static const char *material_title(const struct campaign *c, const char *id)
{
	const struct material *m = campaign_material(c, id);
	return m ? m->title : id;
}

static void gather_rows(struct db *db, struct arena *a, struct reach *rc)
{
	const char *cid = rc->c->id;
	struct db_stmt *st = db_query(db, SQL_BY_PLACEMENT, "sssII", cid, rc->from, rc->to, rc->from_at, rc->to_at);
	struct row *row;
	while (db_next(st) && (row = add_row(a, &rc->by_placement))) {
		row->id = db_col_int64(st, 0);
		row->label = arena_strdup(a, material_title(rc->c, db_col_text(st, 1)));
		row->key = arena_strdup(a, db_col_text(st, 2)); /* the place */
		row->extra = arena_strdup(a, db_col_text(st, 3));
		row->placed_on = arena_strdup(a, db_col_text(st, 4));
		row->copies = db_col_int64(st, 5);
		row->scans = db_col_int64(st, 6);
	}
	db_done(st);
	st = db_query(db, SQL_BY_MATERIAL, "sssII", cid, rc->from, rc->to, rc->from_at, rc->to_at);
	while (db_next(st) && (row = add_row(a, &rc->by_material))) {
		row->key = arena_strdup(a, db_col_text(st, 0));
		row->label = arena_strdup(a, material_title(rc->c, row->key));
		row->placements = db_col_int64(st, 1);
		row->copies = db_col_int64(st, 2);
		row->scans = db_col_int64(st, 3);
		rc->placements += row->placements;
		rc->copies += row->copies;
	}
	db_done(st);
	st = db_query(db, SQL_BY_AREA, "sssII", cid, rc->from, rc->to, rc->from_at, rc->to_at);
	while (db_next(st)) {
		bool covered = db_col_int64(st, 5) > 0;
		if (!(row = add_row(a, covered ? &rc->covered : &rc->not_covered)))
			break;
		row->key = arena_strdup(a, db_col_text(st, 0));
		row->label = arena_strdup(a, db_col_text(st, 1));
		row->placements = db_col_int64(st, 2);
		row->copies = db_col_int64(st, 3);
		row->scans = db_col_int64(st, 4);
		if (covered && (row = add_row(a, &rc->by_area)))
			*row = rc->covered.items[rc->covered.n - 1];
	}
	db_done(st);
}

static void gather_others(struct db *db, struct arena *a, struct reach *rc)
{
	rc->others = arena_alloc(a, REACH_MAX_ROWS * sizeof *rc->others);
	struct db_stmt *st = db_query(db, SQL_OTHERS, "sss", rc->c->id, rc->from, rc->to);
	while (rc->nothers < REACH_MAX_ROWS && db_next(st))
		rc->others[rc->nothers++] = (struct other){
			arena_strdup(a, db_col_text(st, 0)), arena_strdup(a, db_col_text(st, 1)),
			arena_strdup(a, db_col_text(st, 2)), arena_strdup(a, db_col_text(st, 4)),
			arena_strdup(a, db_col_text(st, 5)), db_col_int64(st, 3)};
	db_done(st);
	st = db_query(db, SQL_FEEDBACK, "sss", rc->c->id, rc->from, rc->to);
	if (db_next(st))
		rc->helpful = db_col_int64(st, 0), rc->not_helpful = db_col_int64(st, 1);
	db_done(st);
}

/* Fills rc for campaign c and the period named (NULL: from the campaign's start, or its first
 * placement if earlier, to today), counted up to today. False for a period name that cannot be read. */
static bool gather(struct db *db, struct arena *a, const struct campaign *c, const char *period, struct reach *rc)
{
	memset(rc, 0, sizeof *rc);
	rc->c = c;
	rc->period = period && *period ? period : NULL;
	if (rc->period) {
		struct period p;
		if (!period_parse(rc->period, &p))
			return false;
		period_date_text(&p.from, rc->from);
		period_date_text(&p.to, rc->to);
	}
	char today[32], tomorrow[16];
	time_iso_local(now_utc(), today);
	today[10] = '\0';
	date_add_days(today, 1, tomorrow);
	struct db_stmt *st = db_query(db, SQL_FIRST_PLACED, "s", c->id);
	const char *first = db_next(st) ? db_col_text(st, 0) : NULL;
	snprintf(rc->first, sizeof rc->first, "%s", first && strcmp(first, c->starts) < 0 ? first : c->starts);
	db_done(st);
	if (!rc->period) {
		memcpy(rc->from, rc->first, sizeof rc->from);
		memcpy(rc->to, tomorrow, sizeof rc->to);
	}
	/* A period still running is drawn to today; one not begun (or a campaign yet to start) shows its
	 * first day. */
	memcpy(rc->until, strcmp(rc->to, tomorrow) > 0 ? tomorrow : rc->to, sizeof rc->until);
	if (strcmp(rc->until, rc->from) <= 0)
		date_add_days(rc->from, 1, rc->until);
	if (strcmp(rc->to, rc->from) <= 0)
		memcpy(rc->to, rc->until, sizeof rc->to);
	rc->from_at = midnight_of(rc->from);
	rc->to_at = midnight_of(rc->to);
	make_buckets(rc);
	for (int i = 0; i < rc->nbuckets; i++) {
		struct bucket *b = &rc->buckets[i];
		b->scans = db_int(db, 0, SQL_SCANS_BETWEEN, "sII", c->id, b->from, b->to);
		rc->scans += b->scans;
	}
	gather_rows(db, a, rc);
	gather_others(db, a, rc);
	return true;
}

/* ---- the page ---- */

/* Scans per bucket as bars, with a scale of round numbers; styled by class only (CSP). */
static void chart(struct resp *o, const struct reach *rc)
{
	enum { W = 600, H = 300, LEFT = 48, BOTTOM = 40, TOP = 16 };
	int64_t max = 1;
	for (int i = 0; i < rc->nbuckets; i++)
		max = rc->buckets[i].scans > max ? rc->buckets[i].scans : max;
	int64_t step = 1;
	while (max / step > 5)
		step *= max / step > 25 ? 10 : 2;
	int64_t top = (max + step - 1) / step * step;
	htmlf(o, "<svg class=\"lantern-chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"scans-chart-title\">"
		 "<title id=\"scans-chart-title\">QR scans %h</title>",
	      W, H, rc->daily ? "by day" : "by month");
	int plot_h = H - TOP - BOTTOM, plot_w = W - LEFT - 8;
	for (int64_t v = 0; v <= top; v += step) {
		int y = H - BOTTOM - (int)(v * plot_h / top);
		htmlf(o, "<line class=\"lantern-chart__grid\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
			 "<text class=\"lantern-chart__label lantern-chart__label--end\" x=\"%d\" y=\"%d\">%D</text>",
		      LEFT, y, W - 8, y, LEFT - 6, y + 5, v);
	}
	int n = rc->nbuckets ? rc->nbuckets : 1, slot = plot_w / n, bar = slot * 7 / 10;
	double widest = 0;
	for (int i = 0; i < rc->nbuckets; i++)
		widest = widest > chart_text_width(rc->buckets[i].label) ? widest : chart_text_width(rc->buckets[i].label);
	/* Months every other one at most, whatever room there is; days as room allows. */
	int every = chart_label_every(n, slot, widest, rc->daily ? 1 : 2);
	for (int i = 0; i < rc->nbuckets; i++) {
		int h = (int)(rc->buckets[i].scans * plot_h / top), x = LEFT + i * slot + (slot - bar) / 2;
		htmlf(o, "<rect class=\"lantern-chart__bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>", x,
		      H - BOTTOM - h, bar, h);
		if (chart_labelled(i, n, every))
			htmlf(o, "<text class=\"lantern-chart__label lantern-chart__label--middle\" x=\"%d\" y=\"%d\">%h</text>",
			      x + bar / 2, H - BOTTOM + 18, rc->buckets[i].label);
	}
	htmlf(o, "<line class=\"lantern-chart__axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/></svg>", LEFT, H - BOTTOM,
	      W - 8, H - BOTTOM);
}

static void num(struct resp *o, int64_t v)
{
	htmlf(o, "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%D</td>", v);
}

static void buckets_table(struct resp *o, const struct reach *rc)
{
	static const char *const cols[] = {"When", "#Scans"};
	html_table_begin(o, "Scans", cols, 2);
	for (int i = 0; i < rc->nbuckets; i++) {
		htmlf(o, "<tr class=\"govuk-table__row\"><th scope=\"row\" class=\"govuk-table__header\">%h</th>",
		      rc->buckets[i].label);
		num(o, rc->buckets[i].scans);
		html_lit(o, "</tr>");
	}
	html_lit(o, "<tr class=\"govuk-table__row\"><th scope=\"row\" class=\"govuk-table__header\">Total</th>");
	num(o, rc->scans);
	html_lit(o, "</tr>");
	html_table_end(o);
}

/* A breakdown with its placements, copies and scans. */
static void rows_table(struct resp *o, const char *caption, const char *first, const struct rows *rows)
{
	const char *const cols[] = {first, "#Placements", "#Copies placed", "#Scans"};
	html_table_begin(o, caption, cols, 4);
	for (int i = 0; i < rows->n; i++) {
		const struct row *row = &rows->items[i];
		htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%h</td>", row->label);
		num(o, row->placements);
		num(o, row->copies);
		num(o, row->scans);
		html_lit(o, "</tr>");
	}
	html_table_end(o);
}

static void placements_table(struct resp *o, const struct reach *rc)
{
	static const char *const cols[] = {"Placement", "District", "Placed", "#Copies placed", "#Scans"};
	html_table_begin(o, "By placement", cols, ARRAY_LEN(cols));
	for (int i = 0; i < rc->by_placement.n; i++) {
		const struct row *row = &rc->by_placement.items[i];
		char placed[32];
		period_ymd_human(row->placed_on, placed, sizeof placed);
		htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a class=\"govuk-link\" "
			 "href=\"/placements/%D\">%h</a><br><span class=\"govuk-hint\">%h</span></td>"
			 "<td class=\"govuk-table__cell\">%h</td><td class=\"govuk-table__cell\">%h</td>",
		      row->id, row->key, row->label, row->extra, placed);
		num(o, row->copies);
		num(o, row->scans);
		html_lit(o, "</tr>");
	}
	html_table_end(o);
}

static const char *kind_label(const char *kind)
{
	return strcmp(kind, "event") == 0 ? "Event (attendance)" : strcmp(kind, "press") == 0 ? "Press"
	       : strcmp(kind, "radio") == 0 ? "Radio" : "Social media";
}

static void others_table(struct resp *o, const struct reach *rc)
{
	html_lit(o, "<h2 class=\"govuk-heading-m\">Other reach</h2>");
	if (rc->nothers == 0) {
		html_lit(o, "<p class=\"govuk-body\">None recorded in this period.</p>");
		return;
	}
	static const char *const cols[] = {"Date", "Kind", "District", "#Reach", "Source", "Note"};
	html_table_begin(o, NULL, cols, ARRAY_LEN(cols));
	for (int i = 0; i < rc->nothers; i++) {
		const struct other *x = &rc->others[i];
		char happened[32];
		period_ymd_human(x->happened_on, happened, sizeof happened);
		htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%h</td><td class=\"govuk-table__cell\">"
			 "%h</td><td class=\"govuk-table__cell\">%h</td>",
		      happened, kind_label(x->kind), x->area);
		num(o, x->count);
		htmlf(o, "<td class=\"govuk-table__cell\">%h</td><td class=\"govuk-table__cell\">%h</td></tr>", x->source, x->note);
	}
	html_table_end(o);
}

static void districts(struct resp *o, const struct reach *rc)
{
	html_lit(o, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-one-half\">");
	htmlf(o, "<h2 class=\"govuk-heading-m\">Districts covered (%d)</h2><ul class=\"govuk-list\">", rc->covered.n);
	for (int i = 0; i < rc->covered.n; i++)
		htmlf(o, "<li>%h</li>", rc->covered.items[i].label);
	htmlf(o, "</ul></div><div class=\"govuk-grid-column-one-half\"><h2 class=\"govuk-heading-m\">Districts not "
		 "covered (%d)</h2><ul class=\"govuk-list\">",
	      rc->not_covered.n);
	for (int i = 0; i < rc->not_covered.n; i++)
		htmlf(o, "<li>%h</li>", rc->not_covered.items[i].label);
	html_lit(o, "</ul></div></div><p class=\"govuk-body govuk-hint\">A district is covered when the campaign has a "
		    "placement there by the end of the period.</p>");
}

static void other_form(const struct req *r, struct resp *o, const struct reach_input *v, const struct form_errors *fe)
{
	htmlf(o, "<h2 class=\"govuk-heading-m\" id=\"add\">Record other reach</h2>");
	html_form_begin(r, o, arena_printf(r->arena, "/campaigns/%s/reach", req_param(r, 0)));
	static const struct option kinds[] = {{"event", "Event: the count is attendance"},
					      {"press", "Press: the count is readership"},
					      {"radio", "Radio: the count is listeners"},
					      {"social", "Social media post: the count is reach or views"}};
	html_radios(o, fe, &(struct field){.name = "kind", .label = "Kind", .value = v->kind}, kinds, ARRAY_LEN(kinds));
	html_input(o, fe, &(struct field){.name = "happened_on", .label = "Date", .value = v->happened_on, .type = "date",
					  .width = "govuk-input--width-10"});
	const struct option *areas;
	size_t nareas = ref_area_options(r->db, r->arena, false, &areas);
	html_select(o, fe, &(struct field){.name = "area", .label = "Area", .value = v->area}, areas, nareas);
	html_input(o, fe, &(struct field){.name = "count", .label = "Count", .value = v->count, .inputmode = "numeric",
					  .width = "govuk-input--width-10"});
	html_input(o, fe, &(struct field){.name = "source", .label = "Source", .value = v->source,
					  .hint = "Where the figure comes from, for example: sign-in sheet, BBC Essex audience figures"});
	html_textarea(o, fe, &(struct field){.name = "note", .label = "Note (optional)", .value = v->note});
	html_button(o, "Save");
	html_form_end(o);
}

/* The periods from the campaign's first day to today, months too, or the whole campaign; any other
 * period stays reachable by name in the address and the API. */
static void period_choice(const struct req *r, struct resp *o, const struct reach *rc, const struct form_errors *fe)
{
	struct period_date first = {0}, today = {0};
	char now[32];
	time_iso_local(now_utc(), now);
	now[10] = '\0';
	valid_date(now, &today.y, &today.m, &today.d);
	if (!valid_date(rc->first, &first.y, &first.m, &first.d))
		first.y = 0;
	struct period *choices = arena_alloc(r->arena, (size_t)indicator_period_choices_max() * sizeof *choices);
	int n = indicator_period_choices_between(first.y ? &first : NULL, &today, true, choices);
	period_select_html(o,
			   &(struct period_select){.choices = choices, .n = n, .chosen = rc->period, .blank = "The whole campaign",
						   .hint = "From the campaign's first day to today"},
			   fe);
}

static int render(const struct req *r, struct resp *o, const struct reach *rc, const struct reach_input *v,
		  const struct form_errors *fe, const char *period_error, int status)
{
	const struct campaign *c = rc->c;
	struct form_errors perr = {0};
	if (period_error)
		form_error(&perr, "period", period_error);
	struct page p = {.title = "Reach", .nav = "/campaigns", .wide = true, .errors = fe && fe->n ? fe : &perr,
			 .back = arena_printf(r->arena, "/campaigns/%s", c->id)};
	page_begin(r, o, &p);
	htmlf(o, "<span class=\"govuk-caption-l\">%h</span><h1 class=\"govuk-heading-l\">Reach</h1>", c->title);
	if (req_query(r, "done"))
		html_notice(o, "The reach has been recorded", NULL);
	htmlf(o, "<form method=\"get\" action=\"/campaigns/%h/reach\" novalidate>", c->id);
	period_choice(r, o, rc, &perr);
	html_button_secondary(o, "Show");
	char first[32], last[32], through[16];
	date_add_days(rc->until, -1, through);
	period_ymd_human(rc->from, first, sizeof first);
	period_ymd_human(through, last, sizeof last);
	htmlf(o, "</form><p class=\"govuk-body\">From %h to %h: <strong>%D</strong> scans, "
		 "<strong>%D</strong> placements and <strong>%D</strong> copies distributed, %D people said the "
		 "landing page helped and %D said it did not.</p>",
	      first, last, rc->scans, rc->placements, rc->copies, rc->helpful, rc->not_helpful);
	html_lit(o, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">");
	chart(o, rc);
	html_lit(o, "</div><div class=\"govuk-grid-column-one-third\">");
	buckets_table(o, rc);
	html_lit(o, "</div></div>");
	rows_table(o, "By material", "Material", &rc->by_material);
	rows_table(o, "By district", "District", &rc->by_area);
	districts(o, rc);
	placements_table(o, rc);
	others_table(o, rc);
	if (campaigns_can_edit(r))
		other_form(r, o, v, fe);
	page_end(r, o, &p);
	return status;
}

int reach_page(const struct req *r, struct resp *o)
{
	const struct campaign *c = campaigns_from_param(r);
	if (c == NULL)
		return campaigns_not_found(r, o);
	struct reach rc;
	if (!gather(r->db, r->arena, c, req_query(r, "period"), &rc)) {
		gather(r->db, r->arena, c, NULL, &rc);
		return render(r, o, &rc, &(struct reach_input){0}, NULL,
			      "Enter a period like 2025, 2025-11, FY2025-26 or FY2025-26-Q3", 400);
	}
	return render(r, o, &rc, &(struct reach_input){0}, NULL, NULL, 200);
}

/* ---- other reach ---- */

static const char SQL_REACH_NEW[] =
	"INSERT INTO campaign_reach (campaign_id, kind, happened_on, area, count, source, note, created_by, created_at)"
	" VALUES (?, ?, ?, ?, ?, ?, nullif(?, ''), ?, ?)";

int64_t reach_save(struct db *db, int64_t actor, const struct campaign *c, const struct reach_input *in,
		   struct form_errors *fe)
{
	static const char *const kinds[] = {"event", "press", "radio", "social"};
	bool kind_ok = false;
	for (size_t i = 0; in->kind && i < ARRAY_LEN(kinds); i++)
		kind_ok |= strcmp(in->kind, kinds[i]) == 0;
	int y, m, d;
	long long count;
	if (!kind_ok)
		form_error(fe, "kind", "Choose the kind: event, press, radio or social");
	if (!valid_date(in->happened_on, &y, &m, &d) || y < 2000)
		form_error(fe, "happened_on", "Enter the date, like 2025-11-25");
	if (!ref_area_exists(db, in->area, false))
		form_error(fe, "area", "Choose the area");
	if (!valid_int(in->count, 0, 100000000, &count))
		form_error(fe, "count", "Enter the count, a whole number from 0 to 100000000");
	if (!valid_text(in->source, 200, false))
		form_error(fe, "source", "Enter where the figure comes from, up to 200 characters");
	if (in->note && *in->note && !valid_text(in->note, 1000, true))
		form_error(fe, "note", "The note must be 1000 characters or fewer");
	if (fe->n || db_begin(db) != DB_OK)
		return 0;
	int64_t id = 0;
	if (db_exec(db, SQL_REACH_NEW, "ssssIssII", c->id, in->kind, in->happened_on, in->area, (int64_t)count, in->source,
		    in->note ? in->note : "", actor, now_utc()) == DB_OK) {
		id = db_last_id(db);
		char *idtext = xasprintf("%lld", (long long)id);
		char *summary = xasprintf("%s %s %s %s %lld", c->id, in->kind, in->happened_on, in->area, count);
		if (audit(db, actor, "campaign_reach", idtext, "create", NULL, summary) != 0)
			id = 0;
		free(idtext);
		free(summary);
	}
	if (id == 0 || db_commit(db) != DB_OK) {
		db_rollback(db);
		return 0;
	}
	return id;
}

static struct reach_input reach_input_from(const struct req *r)
{
	return (struct reach_input){req_field(r, "kind"),  req_field(r, "happened_on"), req_field(r, "area"),
				    req_field(r, "count"), req_field(r, "source"),      req_field(r, "note")};
}

int reach_add(const struct req *r, struct resp *o)
{
	const struct campaign *c = campaigns_from_param(r);
	if (c == NULL)
		return campaigns_not_found(r, o);
	struct reach_input in = reach_input_from(r);
	struct form_errors fe = {0};
	if (reach_save(r->db, r->user->id, c, &in, &fe) == 0) {
		if (fe.n == 0)
			return page_error(r, o, 500, "Sorry, there is a problem with the service", "Try again later.");
		struct reach rc;
		gather(r->db, r->arena, c, NULL, &rc);
		return render(r, o, &rc, &in, &fe, NULL, 400);
	}
	return resp_redirect(o, arena_printf(r->arena, "/campaigns/%s/reach?done=1", c->id));
}

/* ---- JSON ---- */

static json_t *rows_json(const struct rows *rows, const char *key_name)
{
	json_t *a = json_array();
	for (int i = 0; i < rows->n; i++) {
		const struct row *row = &rows->items[i];
		json_array_append_new(a, json_pack("{s:s, s:s, s:I, s:I, s:I}", key_name, row->key, "name", row->label,
						   "placements", (json_int_t)row->placements, "copies",
						   (json_int_t)row->copies, "scans", (json_int_t)row->scans));
	}
	return a;
}

static json_t *reach_json(const struct reach *rc)
{
	json_t *j = json_pack("{s:s, s:s?, s:s, s:s, s:I, s:I, s:I}", "campaign", rc->c->id, "period", rc->period, "from",
			      rc->from, "to", rc->to, "scans", (json_int_t)rc->scans, "placements",
			      (json_int_t)rc->placements, "copies", (json_int_t)rc->copies);
	json_t *series = json_array(), *placements = json_array(), *others = json_array();
	for (int i = 0; i < rc->nbuckets; i++) {
		char from[32];
		time_iso_local(rc->buckets[i].from, from);
		json_array_append_new(series, json_pack("{s:s, s:s, s:I}", "label", rc->buckets[i].label, "from", from,
							"scans", (json_int_t)rc->buckets[i].scans));
	}
	for (int i = 0; i < rc->by_placement.n; i++) {
		const struct row *row = &rc->by_placement.items[i];
		json_array_append_new(placements, json_pack("{s:I, s:s, s:s, s:s, s:I, s:I}", "id", (json_int_t)row->id,
							    "place", row->key, "district", row->extra, "placed_on",
							    row->placed_on, "copies", (json_int_t)row->copies, "scans",
							    (json_int_t)row->scans));
	}
	for (int i = 0; i < rc->nothers; i++) {
		const struct other *x = &rc->others[i];
		json_array_append_new(others, json_pack("{s:s, s:s, s:s, s:I, s:s, s:s}", "kind", x->kind, "date",
							x->happened_on, "area", x->area, "count", (json_int_t)x->count,
							"source", x->source, "note", x->note));
	}
	json_object_set_new(j, rc->daily ? "scans_by_day" : "scans_by_month", series);
	json_object_set_new(j, "by_placement", placements);
	json_object_set_new(j, "by_material", rows_json(&rc->by_material, "material"));
	json_object_set_new(j, "by_district", rows_json(&rc->by_area, "district"));
	json_t *covered = json_array(), *uncovered = json_array();
	for (int i = 0; i < rc->covered.n; i++)
		json_array_append_new(covered, json_string(rc->covered.items[i].key));
	for (int i = 0; i < rc->not_covered.n; i++)
		json_array_append_new(uncovered, json_string(rc->not_covered.items[i].key));
	json_object_set_new(j, "districts_covered", covered);
	json_object_set_new(j, "districts_not_covered", uncovered);
	json_object_set_new(j, "other_reach", others);
	json_object_set_new(j, "feedback", json_pack("{s:I, s:I}", "helpful", (json_int_t)rc->helpful, "not_helpful",
						     (json_int_t)rc->not_helpful));
	return j;
}

int reach_api(const struct req *r, struct resp *o)
{
	const struct campaign *c = campaigns_from_param(r);
	if (c == NULL)
		return campaigns_not_found(r, o);
	struct reach rc;
	if (!gather(r->db, r->arena, c, req_query(r, "period"), &rc))
		return resp_error(o, 400, "Give a period like 2025, 2025-11, FY2025-26 or FY2025-26-Q3.", "period");
	return resp_json(o, 200, reach_json(&rc));
}

int reach_api_add(const struct req *r, struct resp *o)
{
	const struct campaign *c = campaigns_from_param(r);
	if (c == NULL)
		return campaigns_not_found(r, o);
	if (r->json == NULL)
		return resp_error(o, 415, "Send a JSON object with Content-Type: application/json.", NULL);
	struct reach_input in = reach_input_from(r);
	struct form_errors fe = {0};
	int64_t id = reach_save(r->db, r->user->id, c, &in, &fe);
	if (id == 0)
		return fe.n ? resp_error(o, 422, fe.e[0].message, fe.e[0].field)
			    : resp_error(o, 500, "The reach could not be saved.", NULL);
	return resp_json(o, 201, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)id, "campaign", c->id,
					   "kind", in.kind, "date", in.happened_on, "area", in.area, "count", in.count,
					   "source", in.source));
}
