/* schools.c — settings: the one check and write path (also used by the CSV import and the demo),
 * the list with its filters, a setting's page, the admin edit pages and the settings API. */
#include "schools.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "db.h"
#include "deliveries.h"
#include "period.h"
#include "ref.h"
#include "route.h"
#include "survey.h"
#include "valid.h"

const struct option schools_phases[] = {
	{"secondary", "Secondary"},
	{"all-through", "All-through"},
	{"special", "Special"},
	{"alternative-provision", "Alternative provision (including PRUs)"},
	{"sixth-form", "Sixth form"},
	{"fe-college", "Further education college"},
	{"he", "Higher education"},
};
const size_t schools_nphases = ARRAY_LEN(schools_phases);

const struct option schools_phase_aliases[] = {
	{"alternative-provision", "Alternative provision"},
	{"alternative-provision", "Pupil referral unit"},
	{"alternative-provision", "PRU"},
	{"sixth-form", "Sixth form college"},
	{"fe-college", "FE college"},
	{"fe-college", "Further education"},
	{"he", "HE"},
};
const size_t schools_nphase_aliases = ARRAY_LEN(schools_phase_aliases);

static const char *const year_fields[SCHOOL_YEARS] = {"y7", "y8", "y9", "y10", "y11", "y12", "y13"};

const char *schools_phase_label(const char *phase)
{
	for (size_t i = 0; phase && i < schools_nphases; i++)
		if (strcmp(schools_phases[i].value, phase) == 0)
			return schools_phases[i].label;
	return NULL;
}

const char *schools_phase_by_name(const char *text)
{
	for (size_t i = 0; text && i < schools_nphases; i++)
		if (str_same_name(schools_phases[i].value, text) || str_same_name(schools_phases[i].label, text))
			return schools_phases[i].value;
	for (size_t i = 0; text && i < schools_nphase_aliases; i++)
		if (str_same_name(schools_phase_aliases[i].label, text))
			return schools_phase_aliases[i].value;
	return NULL;
}

/* ---- the one check and write path ---- */

static const char SQL_AREA_LEAF[] = "SELECT is_leaf FROM areas WHERE id = ?";
static const char SQL_AREA_LEAVES[] = "SELECT group_concat(descendant, ', ') FROM (SELECT t.descendant FROM area_tree t"
				      " JOIN areas a ON a.id = t.descendant WHERE t.ancestor = ? AND a.is_leaf = 1"
				      " ORDER BY t.descendant) leaves";

/* A value as people can read it back in a message: quoted, cut short, without control characters. */
static const char *shown(struct arena *a, const char *s)
{
	char text[48];
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && n < 40; p++)
		text[n++] = *p < 0x20 || *p == 0x7f ? '?' : (char)*p;
	/* Do not leave half a UTF-8 character at the cut. */
	while (n && s[n] && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	text[n] = '\0';
	return arena_printf(a, "\"%s%s\"", text, s[n] ? "…" : "");
}

static bool blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t")] == '\0';
}

static void check_area(struct db *db, struct arena *a, const char *area, struct form_errors *fe)
{
	if (blank(area)) {
		form_error(fe, "area", "Enter the area: a district or unitary authority, such as basildon or southend");
		return;
	}
	int64_t leaf = db_int(db, -1, SQL_AREA_LEAF, "s", area);
	if (leaf < 0) {
		form_error(fe, "area", arena_printf(a, "Area %s is not one of lantern's areas", shown(a, area)));
	} else if (leaf == 0) {
		struct db_stmt *st = db_query(db, SQL_AREA_LEAVES, "s", area);
		const char *leaves = db_next(st) ? arena_strdup(a, db_col_text(st, 0)) : "";
		db_done(st);
		form_error(fe, "area", arena_printf(a, "Area %s covers several areas: use one of %s", shown(a, area), leaves));
	}
}

static const char *trim(struct arena *a, const char *s)
{
	if (s == NULL)
		return NULL;
	s += strspn(s, " \t");
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return arena_strndup(a, s, n);
}

void schools_trim(struct arena *a, struct setting_input *in)
{
	in->urn = trim(a, in->urn);
	in->name = trim(a, in->name);
	in->phase = trim(a, in->phase);
	in->area = trim(a, in->area);
	for (int i = 0; i < SCHOOL_YEARS; i++)
		in->roll[i] = trim(a, in->roll[i]);
}

void schools_check(struct db *db, struct arena *a, const struct setting_input *in, struct form_errors *fe)
{
	if (blank(in->urn))
		form_error(fe, "urn", "Enter the URN: the setting's 6-digit DfE number");
	else if (!valid_urn(in->urn))
		form_error(fe, "urn", arena_printf(a, "URN %s is not 6 digits", shown(a, in->urn)));
	if (blank(in->name))
		form_error(fe, "name", "Enter the setting's name");
	else if (!valid_text(in->name, SCHOOL_NAME_MAX, false))
		form_error(fe, "name", "The name must be at most 200 characters, without control characters");
	if (blank(in->phase))
		form_error(fe, "phase", "Enter the phase: secondary, all-through, special, alternative-provision, sixth-form, "
					"fe-college or he");
	else if (schools_phase_label(in->phase) == NULL)
		form_error(fe, "phase", arena_printf(a, "Phase %s is not one of secondary, all-through, special, "
							"alternative-provision, sixth-form, fe-college, he",
						     shown(a, in->phase)));
	check_area(db, a, in->area, fe);
	for (int i = 0; i < SCHOOL_YEARS; i++) {
		const char *v = in->roll[i];
		long long n;
		if (blank(v) || valid_int(v, 0, SCHOOL_ROLL_MAX, &n))
			continue;
		int year = SCHOOL_YEAR_FIRST + i;
		/* Say what is wrong: a sign, a size, or not a number at all. */
		const char *unsigned_part = v + (v[0] == '-');
		bool whole = *unsigned_part && strspn(unsigned_part, "0123456789") == strlen(unsigned_part);
		if (whole && v[0] == '-')
			form_error(fe, year_fields[i], arena_printf(a, "Year %d roll %s is negative", year, shown(a, v)));
		else if (whole)
			form_error(fe, year_fields[i],
				   arena_printf(a, "Year %d roll %s is more than %d", year, shown(a, v), SCHOOL_ROLL_MAX));
		else
			form_error(fe, year_fields[i], arena_printf(a, "Year %d roll %s is not a whole number", year, shown(a, v)));
	}
}

static const char SQL_UPSERT[] =
	"INSERT INTO settings (urn, name, phase, area, y7, y8, y9, y10, y11, y12, y13)"
	" VALUES (?, ?, ?, ?, nullif(?, -1), nullif(?, -1), nullif(?, -1), nullif(?, -1), nullif(?, -1), nullif(?, -1),"
	" nullif(?, -1)) ON CONFLICT (urn) DO UPDATE SET name = excluded.name, phase = excluded.phase,"
	" area = excluded.area, y7 = excluded.y7, y8 = excluded.y8, y9 = excluded.y9, y10 = excluded.y10,"
	" y11 = excluded.y11, y12 = excluded.y12, y13 = excluded.y13";
static const char SQL_EXISTS[] = "SELECT count(*) FROM settings WHERE urn = ?";

int schools_upsert(struct db *db, const struct setting_input *in, bool *added)
{
	int roll[SCHOOL_YEARS];
	for (int i = 0; i < SCHOOL_YEARS; i++) {
		long long n;
		roll[i] = !blank(in->roll[i]) && valid_int(in->roll[i], 0, SCHOOL_ROLL_MAX, &n) ? (int)n : -1;
	}
	*added = db_int(db, 0, SQL_EXISTS, "s", in->urn) == 0;
	return db_exec(db, SQL_UPSERT, "ssssiiiiiii", in->urn, in->name, in->phase, in->area, roll[0], roll[1], roll[2],
		       roll[3], roll[4], roll[5], roll[6]) == DB_OK
		       ? 0
		       : -1;
}

/* One line for the audit trail; the caller frees it. */
static char *summary(const struct setting_input *in)
{
	struct buf b = {0};
	buf_printf(&b, "%s %s %s", in->name, in->phase, in->area);
	for (int i = 0; i < SCHOOL_YEARS; i++)
		buf_printf(&b, " %s=%s", year_fields[i], blank(in->roll[i]) ? "" : in->roll[i]);
	return buf_take(&b);
}

bool schools_save(struct db *db, struct arena *a, int64_t actor, bool creating, const struct setting_input *in,
		  struct form_errors *fe)
{
	schools_check(db, a, in, fe);
	if (fe->n)
		return false;
	if (db_begin(db) != DB_OK)
		return false;
	bool exists = db_int(db, 0, SQL_EXISTS, "s", in->urn) > 0, added;
	if (creating && exists) {
		db_rollback(db);
		form_error(fe, "urn", arena_printf(a, "There is already a setting with URN %s", in->urn));
		return false;
	}
	if (!creating && !exists) {
		db_rollback(db);
		form_error(fe, "id", "There is no such setting");
		return false;
	}
	struct setting old;
	char *before = NULL, *now = summary(in);
	if (exists && schools_load(db, a, in->urn, &old)) {
		struct setting_input was = {old.urn, old.name, old.phase, old.area, {0}};
		for (int i = 0; i < SCHOOL_YEARS; i++)
			was.roll[i] = old.roll[i] < 0 ? "" : arena_printf(a, "%d", old.roll[i]);
		before = summary(&was);
	}
	bool ok = schools_upsert(db, in, &added) == 0 &&
		  audit(db, actor, "setting", in->urn, added ? "create" : "update", before, now) == 0;
	free(before);
	free(now);
	if (!ok) {
		db_rollback(db);
		return false;
	}
	return db_commit(db) == DB_OK;
}

/* ---- reading ---- */

static const char SQL_SETTING[] = "SELECT s.urn, s.name, s.phase, s.area, a.name, coalesce(s.y7, -1), coalesce(s.y8, -1),"
				  " coalesce(s.y9, -1), coalesce(s.y10, -1), coalesce(s.y11, -1), coalesce(s.y12, -1),"
				  " coalesce(s.y13, -1) FROM settings s JOIN areas a ON a.id = s.area WHERE s.urn = ?";

bool schools_load(struct db *db, struct arena *a, const char *urn, struct setting *s)
{
	if (!valid_urn(urn))
		return false;
	struct db_stmt *st = db_query(db, SQL_SETTING, "s", urn);
	bool found = db_next(st);
	if (found) {
		s->urn = arena_strdup(a, db_col_text(st, 0));
		s->name = arena_strdup(a, db_col_text(st, 1));
		s->phase = arena_strdup(a, db_col_text(st, 2));
		s->area = arena_strdup(a, db_col_text(st, 3));
		s->area_name = arena_strdup(a, db_col_text(st, 4));
		for (int i = 0; i < SCHOOL_YEARS; i++)
			s->roll[i] = db_col_int(st, 5 + i);
	}
	db_done(st);
	return found;
}

static const char SQL_ROLL[] = "SELECT CASE ?2 WHEN 7 THEN y7 WHEN 8 THEN y8 WHEN 9 THEN y9 WHEN 10 THEN y10"
			       " WHEN 11 THEN y11 WHEN 12 THEN y12 WHEN 13 THEN y13 END FROM settings WHERE urn = ?1";

int schools_roll(struct db *db, const char *urn, int year_group)
{
	return (int)db_int(db, -1, SQL_ROLL, "si", urn, year_group);
}

bool schools_can_see(const struct user *u, const char *urn)
{
	if (u == NULL || urn == NULL)
		return false;
	if (u->role == ROLE_SCHOOL)
		return u->school_urn && strcmp(u->school_urn, urn) == 0;
	return u->role == ROLE_ADMIN || u->role == ROLE_TRAINER || u->role == ROLE_ANALYST;
}

bool schools_from_path(const struct req *r, struct resp *o, struct setting *s)
{
	const char *urn = req_param(r, 0);
	/* Another school's setting answers as if it did not exist: it is none of this user's business. */
	if (schools_can_see(r->user, urn) && schools_load(r->db, r->arena, urn, s))
		return true;
	if (route_is_api(r->path))
		resp_error(o, 404, "There is no setting with that URN.", "urn");
	else
		page_error(r, o, 404, "Page not found", "There is no setting with that URN.");
	return false;
}

/* ---- the list, with filters ---- */

/* Filters: area (with everything below it), phase, delivering in [from, to) or not, one URN. */
static const char SQL_LIST[] =
	"SELECT s.urn, s.name, s.phase, s.area, a.name, coalesce(s.y7, -1), coalesce(s.y8, -1), coalesce(s.y9, -1),"
	" coalesce(s.y10, -1), coalesce(s.y11, -1), coalesce(s.y12, -1), coalesce(s.y13, -1),"
	" count(d.id), coalesce(sum(d.pupils_reached), 0)"
	" FROM settings s JOIN areas a ON a.id = s.area"
	" LEFT JOIN deliveries d ON d.urn = s.urn AND d.course_id = ?1 AND d.delivered_on >= ?2 AND d.delivered_on < ?3"
	" WHERE (?4 = '' OR s.area IN (SELECT descendant FROM area_tree WHERE ancestor = ?4))"
	" AND (?5 = '' OR s.phase = ?5) AND (?6 = '' OR s.urn = ?6)"
	" GROUP BY s.urn, a.id HAVING ?7 = '' OR (?7 = 'yes') = (count(d.id) > 0)"
	" ORDER BY s.name, s.urn LIMIT ?8";

enum { LIST_LIMIT = 2000 };

struct list_filter {
	const char *area, *phase, *delivering, *urn; /* "" for any */
	struct period year;
};

/* Reads the filters from the query; false with the field at fault if one is not valid. A school
 * user only ever sees their own setting. */
static bool list_filter(const struct req *r, struct list_filter *f, const char **bad)
{
	f->area = req_query(r, "area");
	f->phase = req_query(r, "phase");
	f->delivering = req_query(r, "delivering");
	f->urn = r->user->role == ROLE_SCHOOL ? r->user->school_urn : "";
	f->area = f->area ? f->area : "";
	f->phase = f->phase ? f->phase : "";
	f->delivering = f->delivering ? f->delivering : "";
	period_academic_year_at(now_utc(), &f->year);
	if (*f->area && !ref_area_exists(r->db, f->area, false))
		*bad = "area";
	else if (*f->phase && schools_phase_label(f->phase) == NULL)
		*bad = "phase";
	else if (*f->delivering && strcmp(f->delivering, "yes") != 0 && strcmp(f->delivering, "no") != 0)
		*bad = "delivering";
	else
		return true;
	return false;
}

static struct db_stmt *list_query(struct db *db, const struct list_filter *f, int limit)
{
	char from[11], to[11];
	period_date_text(&f->year.from, from);
	period_date_text(&f->year.to, to);
	return db_query(db, SQL_LIST, "sssssssi", DELIVERIES_COURSE, from, to, f->area, f->phase, f->urn, f->delivering,
			limit);
}

static void filter_form(const struct req *r, struct resp *o, const struct list_filter *f)
{
	html_lit(o, "<form method=\"get\" action=\"/schools\" class=\"lantern-filters\" novalidate>"
		    "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-one-third\">");
	const struct option *areas;
	size_t n = ref_area_filter_options(r->db, r->arena, &areas);
	html_select(o, NULL, &(struct field){.name = "area", .label = "Area", .value = f->area}, areas, n);
	html_lit(o, "</div><div class=\"govuk-grid-column-one-third\">");
	struct option phases[16] = {{"", "All phases"}};
	for (size_t i = 0; i < schools_nphases; i++)
		phases[i + 1] = schools_phases[i];
	html_select(o, NULL, &(struct field){.name = "phase", .label = "Phase", .value = f->phase}, phases,
		    schools_nphases + 1);
	html_lit(o, "</div><div class=\"govuk-grid-column-one-third\">");
	static const struct option delivering[] = {{"", "Any"}, {"yes", "Delivering"}, {"no", "Not delivering yet"}};
	html_select(o, NULL,
		    &(struct field){.name = "delivering", .label = arena_printf(r->arena, "Risk Avert in %s", f->year.name),
				    .value = f->delivering},
		    delivering, ARRAY_LEN(delivering));
	html_lit(o, "</div></div>");
	html_button_secondary(o, "Show settings");
	html_lit(o, "</form>");
}

int schools_list_page(const struct req *r, struct resp *o)
{
	if (r->user->role == ROLE_SCHOOL)
		return resp_redirect(o, arena_printf(r->arena, "/schools/%s", r->user->school_urn));
	struct list_filter f;
	const char *bad = NULL;
	if (!list_filter(r, &f, &bad))
		return page_error(r, o, 400, "There is a problem", arena_printf(r->arena, "Choose a %s from the list.", bad));
	struct page p = {.title = "Schools and colleges", .nav = "/schools", .wide = true};
	page_begin(r, o, &p);
	html_lit(o, "<h1 class=\"govuk-heading-l\">Schools and colleges</h1>");
	if (req_query(r, "done"))
		html_notice(o, "The setting has been saved", NULL);
	if (r->user->role == ROLE_ADMIN)
		html_lit(o, "<div class=\"govuk-button-group\"><a href=\"/schools/import\" role=\"button\" draggable=\"false\" "
			    "class=\"govuk-button\" data-module=\"govuk-button\">Import settings from a CSV file</a>"
			    "<a href=\"/schools/new\" class=\"govuk-link\">Add one setting</a></div>");
	htmlf(o, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/schools/areas\">Risk Avert by area in %h</a>: "
		 "which settings deliver the programme and which do not yet.</p>",
	      f.year.name);
	filter_form(r, o, &f);
	struct db_stmt *st = list_query(r->db, &f, LIST_LIMIT + 1);
	int count = 0;
	while (db_next(st)) {
		if (++count > LIST_LIMIT)
			break;
		if (count == 1) {
			const char *head[] = {"Setting", "URN", "Phase", "Area", arena_printf(r->arena, "Risk Avert in %s", f.year.name),
					      "#Pupils reached"};
			html_table_begin(o, NULL, head, ARRAY_LEN(head));
		}
		htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a class=\"govuk-link\" "
			 "href=\"/schools/%u\">%h</a></td><td class=\"govuk-table__cell\">%h</td>"
			 "<td class=\"govuk-table__cell\">%h</td><td class=\"govuk-table__cell\">%h</td>"
			 "<td class=\"govuk-table__cell\">",
		      db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 0), schools_phase_label(db_col_text(st, 2)),
		      db_col_text(st, 4));
		if (db_col_int(st, 12))
			html_tag(o, "Delivering", "green");
		else
			html_tag(o, "Not yet", "grey");
		htmlf(o, "</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">%D</td></tr>", db_col_int64(st, 13));
	}
	db_done(st);
	if (count)
		html_table_end(o);
	if (count > LIST_LIMIT)
		htmlf(o, "<p class=\"govuk-body\">Showing the first %d settings: choose an area or phase to see the rest.</p>",
		      LIST_LIMIT);
	else
		htmlf(o, "<p class=\"govuk-body\">%d setting%h.</p>", count, count == 1 ? "" : "s");
	page_end(r, o, &p);
	return 200;
}

int schools_api_list(const struct req *r, struct resp *o)
{
	struct list_filter f;
	const char *bad = NULL;
	if (!list_filter(r, &f, &bad))
		return resp_error(o, 400, "That filter value is not one lantern knows.", bad);
	json_t *list = json_array();
	struct db_stmt *st = list_query(r->db, &f, LIST_LIMIT * 50);
	while (db_next(st)) {
		json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:I}", "urn", db_col_text(st, 0), "name",
				      db_col_text(st, 1), "phase", db_col_text(st, 2), "area", db_col_text(st, 3),
				      "academic_year", f.year.name, "delivering", db_col_int(st, 12) > 0, "pupils_reached",
				      (json_int_t)db_col_int64(st, 13));
		for (int i = 0; i < SCHOOL_YEARS; i++) {
			int roll = db_col_int(st, 5 + i);
			json_object_set_new(j, year_fields[i], roll < 0 ? json_null() : json_integer(roll));
		}
		json_array_append_new(list, j);
	}
	return resp_json(o, 200, list);
}

/* ---- a setting's page ---- */

static void roll_table(struct resp *o, const struct setting *s)
{
	static const char *const head[SCHOOL_YEARS] = {"#Year 7", "#Year 8", "#Year 9", "#Year 10", "#Year 11", "#Year 12",
						       "#Year 13"};
	html_table_begin(o, "Numbers on roll", head, SCHOOL_YEARS);
	html_lit(o, "<tr class=\"govuk-table__row\">");
	for (int i = 0; i < SCHOOL_YEARS; i++) {
		if (s->roll[i] < 0)
			html_lit(o, "<td class=\"govuk-table__cell govuk-table__cell--numeric\">"
				    "<span class=\"govuk-visually-hidden\">not known</span>–</td>");
		else
			htmlf(o, "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%d</td>", s->roll[i]);
	}
	html_lit(o, "</tr>");
	html_table_end(o);
}

int schools_page(const struct req *r, struct resp *o)
{
	struct setting s;
	if (!schools_from_path(r, o, &s))
		return 404;
	struct period year;
	period_academic_year_at(now_utc(), &year);
	bool staff = r->user->role == ROLE_ADMIN || r->user->role == ROLE_TRAINER;
	struct page p = {.title = s.name, .nav = "/schools", .wide = true,
			 .back = r->user->role == ROLE_SCHOOL ? NULL : "/schools"};
	page_begin(r, o, &p);
	htmlf(o, "<span class=\"govuk-caption-l\">URN %h · %h · %h</span><h1 class=\"govuk-heading-l\">%h</h1>", s.urn,
	      schools_phase_label(s.phase), s.area_name, s.name);
	if (req_query(r, "done"))
		html_notice(o, "The delivery has been recorded", NULL);
	html_lit(o, "<div class=\"govuk-button-group\">");
	if (r->user->role != ROLE_ANALYST)
		htmlf(o, "<a href=\"/schools/%u/deliveries/new\" role=\"button\" draggable=\"false\" class=\"govuk-button\" "
			 "data-module=\"govuk-button\">Record a delivery</a>",
		      s.urn);
	if (staff)
		htmlf(o, "<a href=\"/survey-runs/new?urn=%u\" role=\"button\" draggable=\"false\" "
			 "class=\"govuk-button govuk-button--secondary\" data-module=\"govuk-button\">Open a pupil survey</a>",
		      s.urn);
	if (r->user->role == ROLE_ADMIN)
		htmlf(o, "<a class=\"govuk-link\" href=\"/schools/%u/edit\">Change this setting</a>", s.urn);
	html_lit(o, "</div>");
	htmlf(o, "<ul class=\"govuk-list\"><li><a class=\"govuk-link\" href=\"/schools/%u/coverage?period=%u\">"
		 "Coverage in %h</a>: modules by year group and share of each year group reached</li>"
		 "<li><a class=\"govuk-link\" href=\"/survey-results?urn=%u&amp;period=%u\">Pupil survey results in %h</a></li>"
		 "</ul>",
	      s.urn, year.name, year.name, s.urn, year.name, year.name);
	roll_table(o, &s);
	deliveries_table(r, o, s.urn, NULL);
	survey_runs_table(r, o, s.urn);
	page_end(r, o, &p);
	return 200;
}

/* ---- admin: add and change ---- */

static struct setting_input input_from(const struct req *r, const char *urn)
{
	struct setting_input in = {.urn = urn ? urn : req_field(r, "urn"), .name = req_field(r, "name"),
				   .phase = req_field(r, "phase"), .area = req_field(r, "area")};
	for (int i = 0; i < SCHOOL_YEARS; i++)
		in.roll[i] = req_field(r, year_fields[i]);
	schools_trim(r->arena, &in);
	return in;
}

static int render_form(const struct req *r, struct resp *o, bool creating, const struct setting_input *v,
		       const struct form_errors *fe, int status)
{
	struct page p = {.title = creating ? "Add a setting" : "Change a setting", .nav = "/schools", .errors = fe,
			 .back = creating ? "/schools" : arena_printf(r->arena, "/schools/%s", v->urn)};
	page_begin(r, o, &p);
	htmlf(o, "<h1 class=\"govuk-heading-l\">%h</h1>", p.title);
	html_form_begin(r, o, creating ? "/schools/new" : arena_printf(r->arena, "/schools/%s/edit", v->urn));
	if (creating)
		html_input(o, fe, &(struct field){.name = "urn", .label = "URN", .value = v->urn, .hint = "The DfE's 6-digit number",
						  .width = "govuk-input--width-10", .inputmode = "numeric"});
	else
		htmlf(o, "<p class=\"govuk-body\">URN %h</p>", v->urn);
	html_input(o, fe, &(struct field){.name = "name", .label = "Name", .value = v->name});
	html_select(o, fe, &(struct field){.name = "phase", .label = "Phase", .value = v->phase}, schools_phases,
		    schools_nphases);
	const struct option *areas;
	size_t n = ref_area_options(r->db, r->arena, true, &areas);
	html_select(o, fe, &(struct field){.name = "area", .label = "Area", .value = v->area}, areas, n);
	html_lit(o, "<fieldset class=\"govuk-fieldset\"><legend class=\"govuk-fieldset__legend govuk-fieldset__legend--m\">"
		    "Numbers on roll</legend><div class=\"govuk-hint\">Leave a year group blank if it is not known or the "
		    "setting has none.</div>");
	for (int i = 0; i < SCHOOL_YEARS; i++)
		html_input(o, fe, &(struct field){.name = year_fields[i],
						  .label = arena_printf(r->arena, "Year %d", SCHOOL_YEAR_FIRST + i),
						  .value = v->roll[i], .width = "govuk-input--width-4", .inputmode = "numeric"});
	html_lit(o, "</fieldset>");
	html_button(o, "Save");
	html_form_end(o);
	page_end(r, o, &p);
	return status;
}

int schools_new_page(const struct req *r, struct resp *o)
{
	return render_form(r, o, true, &(struct setting_input){.phase = "secondary"}, NULL, 200);
}

static int save_page(const struct req *r, struct resp *o, bool creating, const char *urn)
{
	struct setting_input in = input_from(r, urn);
	struct form_errors fe = {0};
	if (!schools_save(r->db, r->arena, r->user->id, creating, &in, &fe)) {
		if (form_error_for(&fe, "id"))
			return page_error(r, o, 404, "Page not found", "There is no setting with that URN.");
		if (fe.n == 0)
			return page_error(r, o, 500, "Sorry, there is a problem with the service", "Try again later.");
		return render_form(r, o, creating, &in, &fe, 400);
	}
	return resp_redirect(o, "/schools?done=1");
}

int schools_create(const struct req *r, struct resp *o)
{
	return save_page(r, o, true, NULL);
}

int schools_edit_page(const struct req *r, struct resp *o)
{
	struct setting s;
	if (!schools_from_path(r, o, &s))
		return 404;
	struct setting_input v = {.urn = s.urn, .name = s.name, .phase = s.phase, .area = s.area};
	for (int i = 0; i < SCHOOL_YEARS; i++)
		v.roll[i] = s.roll[i] < 0 ? "" : arena_printf(r->arena, "%d", s.roll[i]);
	return render_form(r, o, false, &v, NULL, 200);
}

int schools_update(const struct req *r, struct resp *o)
{
	const char *urn = req_param(r, 0);
	if (!valid_urn(urn))
		return page_error(r, o, 404, "Page not found", "There is no setting with that URN.");
	return save_page(r, o, false, urn);
}
