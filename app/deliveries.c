/* deliveries.c — recording Risk Avert deliveries: the one checked write path (deliveries_record),
 * the web form and the API that use it, and the table of a setting's deliveries. */
#include "deliveries.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "auth.h"
#include "catalog.h"
#include "db.h"
#include "period.h"
#include "schools.h"
#include "valid.h"

static const char SQL_SETTING_EXISTS[] = "SELECT count(*) FROM settings WHERE urn = ?";
static const char SQL_SESSION_EXISTS[] = "SELECT count(*) FROM sessions WHERE id = ?";
static const char SQL_BY_SESSION[] = "SELECT id FROM deliveries WHERE session_id = ?";
static const char SQL_NEW[] = "INSERT INTO deliveries (urn, course_id, module_id, year_group, delivered_on, pupils_reached,"
			      " session_id, recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, nullif(?, 0), nullif(?, 0), ?)";
static const char SQL_SET[] = "UPDATE deliveries SET urn = ?, module_id = ?, year_group = ?, delivered_on = ?,"
			      " pupils_reached = ?, recorded_by = nullif(?, 0) WHERE id = ?";

/* Today's date in UK time, "YYYY-MM-DD". */
static void today(char out[11])
{
	time_t t = (time_t)now_utc();
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static bool may_record(const struct user *actor, const char *urn)
{
	if (actor == NULL)
		return true; /* the command line and the demo loader */
	if (actor->role == ROLE_SCHOOL)
		return actor->school_urn && urn && strcmp(actor->school_urn, urn) == 0;
	return actor->role == ROLE_ADMIN || actor->role == ROLE_TRAINER;
}

struct checked {
	const struct module *module;
	long long year, pupils;
};

static void check(struct db *db, const struct user *actor, const struct delivery_input *in, struct checked *c,
		  struct form_errors *fe)
{
	if (!valid_urn(in->urn) || db_int(db, 0, SQL_SETTING_EXISTS, "s", in->urn) == 0)
		form_error(fe, "urn", "There is no setting with that URN");
	else if (!may_record(actor, in->urn))
		form_error(fe, "urn", "You can only record deliveries for your own school");
	c->module = catalog_module(catalog_course(DELIVERIES_COURSE), in->module);
	if (c->module == NULL)
		form_error(fe, "module", "Choose the Risk Avert module that was delivered");
	if (!valid_int(in->year_group, SCHOOL_YEAR_FIRST, SCHOOL_YEAR_LAST, &c->year))
		form_error(fe, "year_group", "Choose the year group, from Year 7 to Year 13");
	else if (c->module && !module_suits(c->module, (int)c->year))
		form_error(fe, "year_group", "This module is not for that year group: choose one it suits");
	int y, m, d;
	char now[11];
	today(now);
	if (!valid_date(in->delivered_on, &y, &m, &d))
		form_error(fe, "delivered_on", "Enter the date it was delivered, like 2025-10-14");
	else if (y < 2000)
		form_error(fe, "delivered_on", "Enter a date from 2000 onwards");
	else if (strcmp(in->delivered_on, now) > 0)
		form_error(fe, "delivered_on", "The date cannot be in the future: record a delivery once it has happened");
	if (!valid_int(in->pupils_reached, 0, DELIVERIES_MAX_PUPILS, &c->pupils)) {
		form_error(fe, "pupils_reached", "Enter how many pupils were reached, as a whole number from 0 to 2000");
	} else if (!form_error_for(fe, "urn") && !form_error_for(fe, "year_group")) {
		/* A roll can be a little out of date, so allow a margin before calling the number a typo. */
		int roll = schools_roll(db, in->urn, (int)c->year);
		if (roll >= 0 && c->pupils > roll + roll / 4 + 10)
			form_error(fe, "pupils_reached", "That is far more pupils than the year group has on roll: check the number");
	}
	if (in->session_id && db_int(db, 0, SQL_SESSION_EXISTS, "I", in->session_id) == 0)
		form_error(fe, "session", "There is no such session");
}

int64_t deliveries_record(struct db *db, const struct user *actor, const struct delivery_input *in,
			  struct form_errors *fe)
{
	struct checked c = {0};
	check(db, actor, in, &c, fe);
	if (fe->n)
		return 0;
	if (!in->in_transaction && db_begin(db) != DB_OK)
		return 0;
	int64_t by = actor ? actor->id : 0;
	int64_t id = in->session_id ? db_int(db, 0, SQL_BY_SESSION, "I", in->session_id) : 0;
	bool updating = id != 0;
	enum db_rc rc;
	if (updating) {
		rc = db_exec(db, SQL_SET, "ssisiII", in->urn, c.module->id, (int)c.year, in->delivered_on, (int)c.pupils, by,
			     id);
	} else {
		rc = db_exec(db, SQL_NEW, "sssisiIII", in->urn, DELIVERIES_COURSE, c.module->id, (int)c.year,
			     in->delivered_on, (int)c.pupils, in->session_id, by, now_utc());
		id = db_last_id(db);
	}
	char idtext[24], *what = xasprintf("%s %s year %lld on %s: %lld pupils%s", in->urn, c.module->id, c.year,
					   in->delivered_on, c.pupils, in->session_id ? " (session head-count)" : "");
	snprintf(idtext, sizeof idtext, "%lld", (long long)id);
	if (rc == DB_OK)
		rc = audit(db, by, "delivery", idtext, updating ? "update" : "create", NULL, what) == 0 ? DB_OK : DB_ERROR;
	free(what);
	if (rc != DB_OK) {
		if (!in->in_transaction)
			db_rollback(db);
		return 0;
	}
	if (!in->in_transaction && db_commit(db) != DB_OK)
		return 0;
	return id;
}

static const char SQL_DELIVERY[] = "SELECT id, urn, module_id, year_group, delivered_on, pupils_reached, session_id,"
				   " course_id FROM deliveries WHERE id = ?";

json_t *deliveries_json(struct db *db, int64_t id)
{
	struct db_stmt *st = db_query(db, SQL_DELIVERY, "I", id);
	json_t *j = NULL;
	if (db_next(st)) {
		j = json_pack("{s:I, s:s, s:s, s:s, s:i, s:s, s:i}", "id", (json_int_t)db_col_int64(st, 0), "urn",
			      db_col_text(st, 1), "course", db_col_text(st, 7), "module", db_col_text(st, 2), "year_group",
			      db_col_int(st, 3), "delivered_on", db_col_text(st, 4), "pupils_reached", db_col_int(st, 5));
		json_object_set_new(j, "session", db_col_null(st, 6) ? json_null() : json_integer(db_col_int64(st, 6)));
	}
	db_done(st);
	return j;
}

const char *deliveries_date_human(struct arena *a, const char *ymd)
{
	char out[40];
	period_ymd_human(ymd, out, sizeof out);
	return arena_strdup(a, out);
}

const char *deliveries_module_title(const char *module_id)
{
	const struct module *m = catalog_module(catalog_course(DELIVERIES_COURSE), module_id);
	return m ? m->title : module_id;
}

/* ---- a setting's deliveries ---- */

static const char SQL_TABLE[] = "SELECT delivered_on, module_id, year_group, pupils_reached, session_id FROM deliveries"
				" WHERE urn = ?1 AND course_id = ?2 AND delivered_on >= ?3 AND delivered_on < ?4"
				" ORDER BY delivered_on DESC, id DESC LIMIT 200";

void deliveries_table(const struct req *r, struct resp *o, const char *urn, const struct period *period)
{
	char from[11] = "0000-00-00", to[11] = "9999-99-99";
	if (period) {
		period_date_text(&period->from, from);
		period_date_text(&period->to, to);
	}
	struct db_stmt *st = db_query(r->db, SQL_TABLE, "ssss", urn, DELIVERIES_COURSE, from, to);
	int n = 0;
	while (db_next(st)) {
		static const char *const head[] = {"Date", "Module", "Year group", "#Pupils reached"};
		if (n++ == 0)
			html_table_begin(o, "Deliveries", head, ARRAY_LEN(head));
		htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%h</td>"
			 "<td class=\"govuk-table__cell\">%h%h</td><td class=\"govuk-table__cell\">Year %d</td>"
			 "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%d</td></tr>",
		      deliveries_date_human(r->arena, db_col_text(st, 0)), deliveries_module_title(db_col_text(st, 1)),
		      db_col_null(st, 4) ? "" : " (session head-count)", db_col_int(st, 2), db_col_int(st, 3));
	}
	db_done(st);
	if (n)
		html_table_end(o);
	else
		html_lit(o, "<h2 class=\"govuk-heading-m\">Deliveries</h2><p class=\"govuk-body\">No Risk Avert deliveries "
			    "have been recorded yet.</p>");
}

/* ---- the web form ---- */

static struct delivery_input input_from(const struct req *r, const char *urn)
{
	return (struct delivery_input){.urn = urn, .module = req_field(r, "module"), .year_group = req_field(r, "year_group"),
				       .delivered_on = req_field(r, "delivered_on"),
				       .pupils_reached = req_field(r, "pupils_reached")};
}

static int render_form(const struct req *r, struct resp *o, const struct setting *s, const struct delivery_input *v,
		       const struct form_errors *fe, int status)
{
	struct page p = {.title = "Record a delivery", .nav = "/schools", .errors = fe,
			 .back = arena_printf(r->arena, "/schools/%s", s->urn)};
	page_begin(r, o, &p);
	htmlf(o, "<span class=\"govuk-caption-l\">%h</span><h1 class=\"govuk-heading-l\">Record a Risk Avert delivery</h1>",
	      s->name);
	html_form_begin(r, o, arena_printf(r->arena, "/schools/%s/deliveries/new", s->urn));
	const struct course *c = catalog_course(DELIVERIES_COURSE);
	int n = c ? c->nmodules : 0;
	struct option *modules = arena_alloc(r->arena, (size_t)(n ? n : 1) * sizeof *modules);
	for (int i = 0; i < n; i++) {
		struct buf years = {0};
		for (int k = 0; k < c->modules[i].nyears; k++)
			buf_printf(&years, "%s%d", k ? ", " : "", c->modules[i].year_groups[k]);
		modules[i] = (struct option){c->modules[i].id, arena_printf(r->arena, "%s (Years %s)", c->modules[i].title,
									     years.data ? years.data : "")};
		buf_free(&years);
	}
	html_radios(o, fe, &(struct field){.name = "module", .label = "Module", .value = v->module}, modules, (size_t)n);
	struct option years[SCHOOL_YEARS];
	for (int i = 0; i < SCHOOL_YEARS; i++)
		years[i] = (struct option){arena_printf(r->arena, "%d", SCHOOL_YEAR_FIRST + i),
					   arena_printf(r->arena, "Year %d", SCHOOL_YEAR_FIRST + i)};
	html_select(o, fe, &(struct field){.name = "year_group", .label = "Year group", .value = v->year_group}, years,
		    SCHOOL_YEARS);
	html_input(o, fe, &(struct field){.name = "delivered_on", .label = "Date delivered", .value = v->delivered_on,
					  .type = "date", .hint = "For example, 2025-10-14", .width = "govuk-input--width-10"});
	html_input(o, fe, &(struct field){.name = "pupils_reached", .label = "Pupils reached", .value = v->pupils_reached,
					  .hint = "How many pupils took part: a count only, no names",
					  .width = "govuk-input--width-4", .inputmode = "numeric"});
	html_button(o, "Record the delivery");
	html_form_end(o);
	page_end(r, o, &p);
	return status;
}

int deliveries_new_page(const struct req *r, struct resp *o)
{
	struct setting s;
	if (!schools_from_path(r, o, &s))
		return 404;
	char now[11];
	today(now);
	return render_form(r, o, &s, &(struct delivery_input){.urn = s.urn, .delivered_on = now}, NULL, 200);
}

int deliveries_create(const struct req *r, struct resp *o)
{
	struct setting s;
	if (!schools_from_path(r, o, &s))
		return 404;
	struct delivery_input in = input_from(r, s.urn);
	struct form_errors fe = {0};
	if (deliveries_record(r->db, r->user, &in, &fe) == 0) {
		if (fe.n == 0)
			return page_error(r, o, 500, "Sorry, there is a problem with the service", "Try again later.");
		return render_form(r, o, &s, &in, &fe, 400);
	}
	return resp_redirect(o, arena_printf(r->arena, "/schools/%s?done=delivery", s.urn));
}

int deliveries_api_create(const struct req *r, struct resp *o)
{
	if (r->json == NULL)
		return resp_error(o, 415, "Send a JSON object with Content-Type: application/json.", NULL);
	struct setting s;
	if (!schools_from_path(r, o, &s))
		return 404;
	struct delivery_input in = input_from(r, s.urn);
	struct form_errors fe = {0};
	int64_t id = deliveries_record(r->db, r->user, &in, &fe);
	if (id == 0)
		return fe.n ? resp_error(o, 422, fe.e[0].message, fe.e[0].field)
			    : resp_error(o, 500, "The delivery could not be recorded.", NULL);
	json_t *j = deliveries_json(r->db, id);
	return j ? resp_json(o, 201, j) : resp_error(o, 500, "The delivery could not be read back.", NULL);
}
