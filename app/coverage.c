/* coverage.c — Risk Avert coverage. A setting's grid of modules × year groups for a period (dates,
 * pupils reached, share of each year group's roll), as a page and through the API; and the area
 * overview a programme lead works through: who delivers this year, who does not yet.
 *
 * Pupils are anonymous, so two modules reaching a year group cannot be told apart from one module
 * reaching it twice: a year group's share is that of the module that reached the most pupils (a
 * floor on how many pupils were reached at all), never the sum. */
#include "coverage.h"

#include <string.h>

#include "auth.h"
#include "catalog.h"
#include "db.h"
#include "deliveries.h"
#include "html.h"
#include "period.h"
#include "ref.h"
#include "route.h"
#include "schools.h"

enum { COVERAGE_MAX_DELIVERIES = 2000 };

struct cov_delivery {
	int64_t id;
	const char *module, *date;
	int mod; /* index in the course's modules, -1 if the catalogue no longer has it */
	int year, pupils;
};

struct coverage {
	struct setting s;
	struct period p;
	const struct course *course;
	struct cov_delivery *d;
	int nd;
	int cell_pupils[CATALOG_MAX_ITEMS][SCHOOL_YEARS];
	int cell_count[CATALOG_MAX_ITEMS][SCHOOL_YEARS];
	int year_best[SCHOOL_YEARS];    /* most pupils reached by one module */
	int year_modules[SCHOOL_YEARS]; /* modules delivered to the year group */
	int64_t total;
};

static const char SQL_DELIVERIES[] = "SELECT id, module_id, year_group, delivered_on, pupils_reached FROM deliveries"
				     " WHERE urn = ?1 AND course_id = ?2 AND delivered_on >= ?3 AND delivered_on < ?4"
				     " ORDER BY delivered_on, id LIMIT ?5";

static int module_index(const struct course *c, const char *id)
{
	for (int i = 0; c && i < c->nmodules; i++)
		if (strcmp(c->modules[i].id, id) == 0)
			return i;
	return -1;
}

static void coverage_load(struct db *db, struct arena *a, struct coverage *cv)
{
	char from[11], to[11];
	period_date_text(&cv->p.from, from);
	period_date_text(&cv->p.to, to);
	cv->course = catalog_course(DELIVERIES_COURSE);
	cv->d = arena_alloc(a, COVERAGE_MAX_DELIVERIES * sizeof *cv->d);
	struct db_stmt *st = db_query(db, SQL_DELIVERIES, "ssssi", cv->s.urn, DELIVERIES_COURSE, from, to,
				      (int)COVERAGE_MAX_DELIVERIES);
	while (db_next(st)) {
		struct cov_delivery *d = &cv->d[cv->nd++];
		d->id = db_col_int64(st, 0);
		d->module = arena_strdup(a, db_col_text(st, 1));
		d->year = db_col_int(st, 2);
		d->date = arena_strdup(a, db_col_text(st, 3));
		d->pupils = db_col_int(st, 4);
		d->mod = module_index(cv->course, d->module);
		cv->total += d->pupils;
		int y = d->year - SCHOOL_YEAR_FIRST;
		if (d->mod >= 0 && y >= 0 && y < SCHOOL_YEARS) {
			cv->cell_pupils[d->mod][y] += d->pupils;
			cv->cell_count[d->mod][y]++;
		}
	}
	db_done(st);
	for (int m = 0; cv->course && m < cv->course->nmodules; m++)
		for (int y = 0; y < SCHOOL_YEARS; y++) {
			if (cv->cell_count[m][y])
				cv->year_modules[y]++;
			if (cv->cell_pupils[m][y] > cv->year_best[y])
				cv->year_best[y] = cv->cell_pupils[m][y];
		}
}

/* Loads the setting in the path and the period in the query. Returns 0, or the status of the error
 * it has answered in o when either is wrong. */
static int coverage_from_request(const struct req *r, struct resp *o, struct coverage *cv)
{
	memset(cv, 0, sizeof *cv);
	if (!schools_from_path(r, o, &cv->s))
		return 404;
	if (!period_or_current(req_query(r, "period"), now_utc(), &cv->p)) {
		if (route_is_api(r->path))
			resp_error(o, 400, "Give the period like AY2025-26, FY2025-26, FY2025-26-Q1, 2025 or 2025-07.", "period");
		else
			page_error(r, o, 400, "There is a problem",
				   "Give the period like AY2025-26, FY2025-26, FY2025-26-Q1, 2025 or 2025-07.");
		return 400;
	}
	coverage_load(r->db, r->arena, cv);
	return 0;
}

/* The share of a roll as a JSON number (one decimal place), or null when the roll is not known. */
static json_t *share_json(int pupils, int roll)
{
	return roll > 0 ? json_real((double)percent_tenths(pupils, roll) / 10.0) : json_null();
}

static json_t *roll_json(int roll)
{
	return roll < 0 ? json_null() : json_integer(roll);
}

int coverage_api(const struct req *r, struct resp *o)
{
	struct coverage cv;
	int status = coverage_from_request(r, o, &cv);
	if (status)
		return status;
	char first[11], last[11];
	struct period_date ld;
	period_date_text(&cv.p.from, first);
	period_last_day(&cv.p, &ld);
	period_date_text(&ld, last);
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "urn", cv.s.urn, "name", cv.s.name, "phase",
			      cv.s.phase, "area", cv.s.area, "period", cv.p.name, "first_day", first, "last_day", last,
			      "pupils_reached", (json_int_t)cv.total);
	json_t *years = json_array();
	for (int y = 0; y < SCHOOL_YEARS; y++)
		json_array_append_new(years, json_pack("{s:i, s:o, s:i, s:i, s:o}", "year_group", SCHOOL_YEAR_FIRST + y, "roll",
						       roll_json(cv.s.roll[y]), "modules_delivered", cv.year_modules[y],
						       "most_reached", cv.year_best[y], "share_of_roll",
						       share_json(cv.year_best[y], cv.s.roll[y])));
	json_object_set_new(j, "year_groups", years);
	json_t *modules = json_array();
	for (int m = 0; cv.course && m < cv.course->nmodules; m++) {
		const struct module *mod = &cv.course->modules[m];
		json_t *cells = json_array();
		for (int y = 0; y < SCHOOL_YEARS; y++) {
			json_t *dates = json_array();
			for (int i = 0; i < cv.nd; i++)
				if (cv.d[i].mod == m && cv.d[i].year == SCHOOL_YEAR_FIRST + y)
					json_array_append_new(dates, json_string(cv.d[i].date));
			json_array_append_new(cells, json_pack("{s:i, s:b, s:i, s:o, s:o}", "year_group", SCHOOL_YEAR_FIRST + y,
							       "suits", module_suits(mod, SCHOOL_YEAR_FIRST + y),
							       "pupils_reached", cv.cell_pupils[m][y], "share_of_roll",
							       share_json(cv.cell_pupils[m][y], cv.s.roll[y]), "dates", dates));
		}
		json_array_append_new(modules, json_pack("{s:s, s:s, s:s, s:o}", "id", mod->id, "title", mod->title, "kind",
							 mod->kind, "year_groups", cells));
	}
	json_object_set_new(j, "modules", modules);
	json_t *list = json_array();
	for (int i = 0; i < cv.nd; i++)
		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:i, s:s, s:i}", "id", (json_int_t)cv.d[i].id, "urn",
						      cv.s.urn, "module", cv.d[i].module, "year_group", cv.d[i].year,
						      "delivered_on", cv.d[i].date, "pupils_reached", cv.d[i].pupils));
	json_object_set_new(j, "deliveries", list);
	return resp_json(o, 200, j);
}

/* ---- the page ---- */

/* Year groups worth a column: those with a roll or a delivery; all of them if nothing is known. */
static void columns(const struct coverage *cv, bool show[SCHOOL_YEARS])
{
	bool any = false;
	for (int y = 0; y < SCHOOL_YEARS; y++) {
		show[y] = cv->s.roll[y] >= 0 || cv->year_modules[y] > 0;
		any |= show[y];
	}
	for (int y = 0; !any && y < SCHOOL_YEARS; y++)
		show[y] = true;
}

static void share_text(struct resp *o, int pupils, int roll)
{
	if (roll > 0) {
		int64_t t = percent_tenths(pupils, roll);
		htmlf(o, "<br><span class=\"govuk-body-s\">%D.%D%% of %d on roll</span>", t / 10, t % 10, roll);
	}
}

static void cell(const struct req *r, struct resp *o, const struct coverage *cv, int m, int y)
{
	const struct module *mod = &cv->course->modules[m];
	html_lit(o, "<td class=\"govuk-table__cell\">");
	if (cv->cell_count[m][y] == 0) {
		if (module_suits(mod, SCHOOL_YEAR_FIRST + y))
			html_lit(o, "<span class=\"govuk-hint\">Not yet</span>");
		else
			html_lit(o, "<span aria-hidden=\"true\">–</span><span class=\"govuk-visually-hidden\">not for this year "
				    "group</span>");
		html_lit(o, "</td>");
		return;
	}
	htmlf(o, "<strong>%d pupils</strong>", cv->cell_pupils[m][y]);
	share_text(o, cv->cell_pupils[m][y], cv->s.roll[y]);
	for (int i = 0; i < cv->nd; i++)
		if (cv->d[i].mod == m && cv->d[i].year == SCHOOL_YEAR_FIRST + y)
			htmlf(o, "<br><span class=\"govuk-body-s\">%h</span>", deliveries_date_human(r->arena, cv->d[i].date));
	html_lit(o, "</td>");
}

static void grid(const struct req *r, struct resp *o, const struct coverage *cv)
{
	bool show[SCHOOL_YEARS];
	columns(cv, show);
	const char *head[1 + SCHOOL_YEARS] = {"Module"};
	size_t nhead = 1;
	for (int y = 0; y < SCHOOL_YEARS; y++)
		if (show[y])
			head[nhead++] = arena_printf(r->arena, "Year %d", SCHOOL_YEAR_FIRST + y);
	html_table_begin(o, arena_printf(r->arena, "Modules by year group, %s", cv->p.name), head, nhead);
	for (int m = 0; cv->course && m < cv->course->nmodules; m++) {
		htmlf(o, "<tr class=\"govuk-table__row\"><th scope=\"row\" class=\"govuk-table__header\">%h</th>",
		      cv->course->modules[m].title);
		for (int y = 0; y < SCHOOL_YEARS; y++)
			if (show[y])
				cell(r, o, cv, m, y);
		html_lit(o, "</tr>");
	}
	html_lit(o, "<tr class=\"govuk-table__row\"><th scope=\"row\" class=\"govuk-table__header\">Year group reached"
		    "<br><span class=\"govuk-body-s\">by the module that reached most pupils</span></th>");
	for (int y = 0; y < SCHOOL_YEARS; y++) {
		if (!show[y])
			continue;
		htmlf(o, "<td class=\"govuk-table__cell\"><strong>%d</strong>", cv->year_best[y]);
		if (cv->s.roll[y] > 0)
			share_text(o, cv->year_best[y], cv->s.roll[y]);
		else
			html_lit(o, "<br><span class=\"govuk-body-s\">roll not known</span>");
		html_lit(o, "</td>");
	}
	html_lit(o, "</tr>");
	html_table_end(o);
}

static void period_form(struct resp *o, const char *action, const struct period *p)
{
	htmlf(o, "<form method=\"get\" action=\"%h\" novalidate>", action);
	html_input(o, NULL, &(struct field){.name = "period", .label = "Period", .value = p->name,
					    .hint = "An academic year like AY2025-26, or FY2025-26, FY2025-26-Q1, 2025, 2025-07",
					    .width = "govuk-input--width-10"});
	html_button_secondary(o, "Show");
	html_lit(o, "</form>");
}

int coverage_page(const struct req *r, struct resp *o)
{
	struct coverage cv;
	int status = coverage_from_request(r, o, &cv);
	if (status)
		return status;
	struct period_date ld;
	period_last_day(&cv.p, &ld);
	char first[11], last[11];
	period_date_text(&cv.p.from, first);
	period_date_text(&ld, last);
	struct page p = {.title = arena_printf(r->arena, "Coverage in %s: %s", cv.p.name, cv.s.name), .nav = "/schools",
			 .wide = true, .back = arena_printf(r->arena, "/schools/%s", cv.s.urn)};
	page_begin(r, o, &p);
	htmlf(o, "<span class=\"govuk-caption-l\">%h</span><h1 class=\"govuk-heading-l\">Risk Avert coverage, %h</h1>"
		 "<p class=\"govuk-body\">From %h to %h. %D pupils reached in all.</p>",
	      cv.s.name, cv.p.name, deliveries_date_human(r->arena, first), deliveries_date_human(r->arena, last), cv.total);
	period_form(o, arena_printf(r->arena, "/schools/%s/coverage", cv.s.urn), &cv.p);
	grid(r, o, &cv);
	deliveries_table(r, o, cv.s.urn, &cv.p);
	page_end(r, o, &p);
	return 200;
}

/* ---- the area overview ---- */

static const char SQL_AREA_PHASES[] =
	"SELECT x.area, a.name, x.phase, count(*), count(*) FILTER (WHERE x.n > 0), sum(x.reached) FROM"
	" (SELECT s.urn, s.area, s.phase, count(d.id) AS n, coalesce(sum(d.pupils_reached), 0) AS reached"
	"  FROM settings s LEFT JOIN deliveries d ON d.urn = s.urn AND d.course_id = ?1 AND d.delivered_on >= ?2"
	"  AND d.delivered_on < ?3 WHERE s.area IN (SELECT descendant FROM area_tree WHERE ancestor = ?4)"
	"  GROUP BY s.urn) x JOIN areas a ON a.id = x.area GROUP BY x.area, x.phase, a.id ORDER BY a.name, x.area";
static const char SQL_NOT_DELIVERING[] =
	"SELECT s.urn, s.name, s.phase, a.name FROM settings s JOIN areas a ON a.id = s.area"
	" WHERE s.area IN (SELECT descendant FROM area_tree WHERE ancestor = ?4) AND NOT EXISTS (SELECT 1 FROM deliveries d"
	" WHERE d.urn = s.urn AND d.course_id = ?1 AND d.delivered_on >= ?2 AND d.delivered_on < ?3)"
	" ORDER BY a.name, s.name LIMIT 1001";

enum { AREA_ROWS = 32 };

struct area_row {
	const char *name;
	int total[16], delivering[16];
	int64_t reached;
};

static int phase_index(const char *phase)
{
	for (size_t i = 0; i < schools_nphases; i++)
		if (strcmp(schools_phases[i].value, phase) == 0)
			return (int)i;
	return -1;
}

static void area_cell(struct resp *o, int delivering, int total)
{
	if (total == 0)
		html_lit(o, "<td class=\"govuk-table__cell govuk-table__cell--numeric\"><span aria-hidden=\"true\">–</span>"
			    "<span class=\"govuk-visually-hidden\">no settings</span></td>");
	else
		htmlf(o, "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%d of %d</td>", delivering, total);
}

static void area_table(const struct req *r, struct resp *o, const char *area, const char *from, const char *to)
{
	struct area_row rows[AREA_ROWS + 1];
	memset(rows, 0, sizeof rows);
	int n = 0;
	const char *current = NULL;
	struct db_stmt *st = db_query(r->db, SQL_AREA_PHASES, "ssss", DELIVERIES_COURSE, from, to, area);
	while (db_next(st)) {
		if (current == NULL || strcmp(current, db_col_text(st, 0)) != 0) {
			if (n == AREA_ROWS)
				break;
			current = arena_strdup(r->arena, db_col_text(st, 0));
			rows[n++].name = arena_strdup(r->arena, db_col_text(st, 1));
		}
		int ph = phase_index(db_col_text(st, 2));
		struct area_row *row = &rows[n - 1], *all = &rows[AREA_ROWS];
		if (ph >= 0) {
			row->total[ph] += db_col_int(st, 3);
			row->delivering[ph] += db_col_int(st, 4);
			all->total[ph] += db_col_int(st, 3);
			all->delivering[ph] += db_col_int(st, 4);
		}
		row->reached += db_col_int64(st, 5);
		all->reached += db_col_int64(st, 5);
	}
	db_done(st);
	if (n == 0) {
		html_lit(o, "<p class=\"govuk-body\">There are no settings in this area yet.</p>");
		return;
	}
	const char *head[16] = {"Area"};
	size_t nhead = 1;
	for (size_t i = 0; i < schools_nphases; i++)
		head[nhead++] = arena_printf(r->arena, "#%s", schools_phases[i].label);
	head[nhead++] = "#Pupils reached";
	html_table_begin(o, "Settings delivering Risk Avert, by phase", head, nhead);
	rows[AREA_ROWS].name = "All";
	for (int i = 0; i <= n; i++) {
		struct area_row *row = &rows[i == n ? AREA_ROWS : i];
		htmlf(o, "<tr class=\"govuk-table__row\"><th scope=\"row\" class=\"govuk-table__header\">%h</th>", row->name);
		for (size_t k = 0; k < schools_nphases; k++)
			area_cell(o, row->delivering[k], row->total[k]);
		htmlf(o, "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%D</td></tr>", row->reached);
	}
	html_table_end(o);
}

static void not_delivering(const struct req *r, struct resp *o, const char *area, const char *from, const char *to,
			   const char *period)
{
	htmlf(o, "<h2 class=\"govuk-heading-m\">Not delivering yet in %h</h2>", period);
	struct db_stmt *st = db_query(r->db, SQL_NOT_DELIVERING, "ssss", DELIVERIES_COURSE, from, to, area);
	int n = 0;
	while (db_next(st)) {
		if (++n > 1000)
			break;
		static const char *const head[] = {"Setting", "Phase", "Area"};
		if (n == 1)
			html_table_begin(o, NULL, head, ARRAY_LEN(head));
		htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a class=\"govuk-link\" "
			 "href=\"/schools/%u\">%h</a></td><td class=\"govuk-table__cell\">%h</td>"
			 "<td class=\"govuk-table__cell\">%h</td></tr>",
		      db_col_text(st, 0), db_col_text(st, 1), schools_phase_label(db_col_text(st, 2)), db_col_text(st, 3));
	}
	db_done(st);
	if (n)
		html_table_end(o);
	else
		html_lit(o, "<p class=\"govuk-body\">Every setting in this area has had at least one delivery.</p>");
	if (n > 1000)
		html_lit(o, "<p class=\"govuk-body\">Showing the first 1,000: choose a smaller area to see the rest.</p>");
}

int coverage_areas_page(const struct req *r, struct resp *o)
{
	const char *area = req_query(r, "area");
	if (area == NULL || *area == '\0')
		area = "greater-essex";
	struct period per;
	if (!ref_area_exists(r->db, area, false) || !period_or_current(req_query(r, "period"), now_utc(), &per))
		return page_error(r, o, 400, "There is a problem", "Choose an area from the list and give a period like AY2025-26.");
	char from[11], to[11];
	period_date_text(&per.from, from);
	period_date_text(&per.to, to);
	struct page p = {.title = "Risk Avert by area", .nav = "/schools", .wide = true, .back = "/schools"};
	page_begin(r, o, &p);
	htmlf(o, "<h1 class=\"govuk-heading-l\">Risk Avert by area, %h</h1>", per.name);
	html_lit(o, "<form method=\"get\" action=\"/schools/areas\" novalidate><div class=\"govuk-grid-row\">"
		    "<div class=\"govuk-grid-column-one-half\">");
	const struct option *areas;
	size_t n = ref_area_options(r->db, r->arena, false, &areas);
	html_select(o, NULL, &(struct field){.name = "area", .label = "Area", .value = area}, areas + 1, n - 1);
	html_lit(o, "</div><div class=\"govuk-grid-column-one-half\">");
	html_input(o, NULL, &(struct field){.name = "period", .label = "Period", .value = per.name,
					    .hint = "Such as AY2025-26", .width = "govuk-input--width-10"});
	html_lit(o, "</div></div>");
	html_button_secondary(o, "Show");
	html_lit(o, "</form>");
	area_table(r, o, area, from, to);
	not_delivering(r, o, area, from, to, per.name);
	page_end(r, o, &p);
	return 200;
}
