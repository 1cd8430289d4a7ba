/* organisations.c — organisations (name, sector, area): admin pages, API, and one save path. */
#include "organisations.h"

#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "db.h"
#include "ref.h"
#include "valid.h"

static const char SQL_ORG_GET[] = "SELECT name, sector, area, active FROM organisations WHERE id = ?";
static const char SQL_ORG_NAME_TAKEN[] = "SELECT count(*) FROM organisations WHERE name = ? AND id <> ?";
static const char SQL_ORG_NEW[] = "INSERT INTO organisations (name, sector, area, active, created_at) VALUES (?, ?, ?, ?, ?)";
static const char SQL_ORG_SET[] = "UPDATE organisations SET name = ?, sector = ?, area = ?, active = ? WHERE id = ?";
static const char SQL_ORGS[] = "SELECT o.id, o.name, s.name, a.name, o.active, o.sector, o.area,"
			       " (SELECT count(*) FROM users u WHERE u.org_id = o.id)"
			       " FROM organisations o JOIN sectors s ON s.id = o.sector JOIN areas a ON a.id = o.area"
			       " ORDER BY o.active DESC, o.name";

int64_t organisations_save(struct db *db, int64_t actor, int64_t id, const struct org_input *in,
			   struct form_errors *fe)
{
	if (!valid_text(in->name, 160, false))
		form_error(fe, "name", "Enter the organisation's name, up to 160 characters");
	else if (db_int(db, 0, SQL_ORG_NAME_TAKEN, "sI", in->name, id) > 0)
		form_error(fe, "name", "There is already an organisation with this name");
	if (!ref_sector_exists(db, in->sector))
		form_error(fe, "sector", "Choose the sector");
	if (!ref_area_exists(db, in->area, false))
		form_error(fe, "area", "Choose the area");
	int active = 1;
	if (in->active && *in->active)
		active = strcmp(in->active, "0") != 0 && strcmp(in->active, "false") != 0;
	if (fe->n)
		return 0;
	if (db_begin(db) != DB_OK)
		return 0;
	enum db_rc rc;
	char *old = NULL;
	if (id) {
		struct db_stmt *st = db_query(db, SQL_ORG_GET, "I", id);
		if (db_next(st))
			old = xasprintf("%s %s %s active=%d", db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2),
					db_col_int(st, 3));
		db_done(st);
		if (old == NULL) {
			db_rollback(db);
			form_error(fe, "id", "There is no such organisation");
			return 0;
		}
		rc = db_exec(db, SQL_ORG_SET, "sssiI", in->name, in->sector, in->area, active, id);
	} else {
		rc = db_exec(db, SQL_ORG_NEW, "sssiI", in->name, in->sector, in->area, active, now_utc());
		id = db_last_id(db);
	}
	if (rc != DB_OK) {
		db_rollback(db);
		free(old);
		return 0;
	}
	char *idtext = xasprintf("%lld", (long long)id);
	char *now = xasprintf("%s %s %s active=%d", in->name, in->sector, in->area, active);
	audit(db, actor, "organisation", idtext, old ? "update" : "create", old, now);
	free(idtext);
	free(now);
	free(old);
	return db_commit(db) == DB_OK ? id : 0;
}

static struct org_input input_from(const struct req *r)
{
	return (struct org_input){.name = req_field(r, "name"), .sector = req_field(r, "sector"),
				  .area = req_field(r, "area"), .active = req_field(r, "active")};
}

int organisations_list_page(const struct req *r, struct resp *o)
{
	struct page p = {.title = "Organisations", .nav = "/admin/organisations", .wide = true};
	page_begin(r, o, &p);
	html_lit(o, "<h1 class=\"govuk-heading-l\">Organisations</h1>");
	if (req_query(r, "done"))
		html_notice(o, "The organisation has been saved", NULL);
	html_lit(o, "<a href=\"/admin/organisations/new\" role=\"button\" draggable=\"false\" class=\"govuk-button\" "
		    "data-module=\"govuk-button\">Add an organisation</a>"
		    );
	static const char *const cols[] = {"Name", "Sector", "Area", "#People", "Status"};
	html_table_begin(o, NULL, cols, 5);
	struct db_stmt *st = db_query(r->db, SQL_ORGS, "");
	while (db_next(st)) {
		htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a class=\"govuk-link\" "
			 "href=\"/admin/organisations/%D\">%h</a></td><td class=\"govuk-table__cell\">%h</td>"
			 "<td class=\"govuk-table__cell\">%h</td>"
			 "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%D</td><td class=\"govuk-table__cell\">",
		      db_col_int64(st, 0), db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3), db_col_int64(st, 7));
		html_tag(o, db_col_int(st, 4) ? "Active" : "Inactive", db_col_int(st, 4) ? "green" : "grey");
		html_lit(o, "</td></tr>");
	}
	db_done(st);
	html_table_end(o);
	page_end(r, o, &p);
	return 200;
}

static int render_form(const struct req *r, struct resp *o, int64_t id, const struct org_input *v,
		       const struct form_errors *fe, int status)
{
	struct page p = {.title = id ? "Change an organisation" : "Add an organisation", .nav = "/admin/organisations",
			 .errors = fe, .back = "/admin/organisations"};
	page_begin(r, o, &p);
	htmlf(o, "<h1 class=\"govuk-heading-l\">%h</h1>", p.title);
	html_form_begin(r, o, id ? arena_printf(r->arena, "/admin/organisations/%lld", (long long)id)
				 : "/admin/organisations/new");
	html_input(o, fe, &(struct field){.name = "name", .label = "Name", .value = v->name});
	const struct option *opts;
	size_t n = ref_sector_options(r->db, r->arena, &opts);
	html_select(o, fe, &(struct field){.name = "sector", .label = "Sector", .value = v->sector}, opts, n);
	n = ref_area_options(r->db, r->arena, false, &opts);
	html_select(o, fe, &(struct field){.name = "area", .label = "Area it mainly serves", .value = v->area}, opts, n);
	if (id) {
		static const struct option states[] = {{"1", "Active"}, {"0", "Inactive"}};
		html_radios(o, fe, &(struct field){.name = "active", .label = "Status", .value = v->active}, states, 2);
	}
	html_button(o, "Save");
	html_form_end(o);
	page_end(r, o, &p);
	return status;
}

int organisations_new_page(const struct req *r, struct resp *o)
{
	return render_form(r, o, 0, &(struct org_input){0}, NULL, 200);
}

static int save_page(const struct req *r, struct resp *o, int64_t id)
{
	struct org_input in = input_from(r);
	struct form_errors fe = {0};
	if (organisations_save(r->db, r->user->id, id, &in, &fe) == 0) {
		if (form_error_for(&fe, "id"))
			return page_error(r, o, 404, "Page not found", "There is no such organisation.");
		if (fe.n == 0)
			return page_error(r, o, 500, "Sorry, there is a problem with the service", "Try again later.");
		return render_form(r, o, id, &in, &fe, 400);
	}
	return resp_redirect(o, "/admin/organisations?done=1");
}

int organisations_create(const struct req *r, struct resp *o)
{
	return save_page(r, o, 0);
}

int organisations_edit_page(const struct req *r, struct resp *o)
{
	int64_t id;
	if (!valid_id(req_param(r, 0), &id))
		return page_error(r, o, 404, "Page not found", "There is no such organisation.");
	struct db_stmt *st = db_query(r->db, SQL_ORG_GET, "I", id);
	if (!db_next(st))
		return page_error(r, o, 404, "Page not found", "There is no such organisation.");
	struct org_input v = {.name = arena_strdup(r->arena, db_col_text(st, 0)),
			      .sector = arena_strdup(r->arena, db_col_text(st, 1)),
			      .area = arena_strdup(r->arena, db_col_text(st, 2)), .active = db_col_int(st, 3) ? "1" : "0"};
	db_done(st);
	return render_form(r, o, id, &v, NULL, 200);
}

int organisations_update(const struct req *r, struct resp *o)
{
	int64_t id;
	if (!valid_id(req_param(r, 0), &id))
		return page_error(r, o, 404, "Page not found", "There is no such organisation.");
	return save_page(r, o, id);
}

int organisations_api_list(const struct req *r, struct resp *o)
{
	json_t *list = json_array();
	struct db_stmt *st = db_query(r->db, SQL_ORGS, "");
	while (db_next(st))
		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)db_col_int64(st, 0),
						      "name", db_col_text(st, 1), "sector", db_col_text(st, 5), "area",
						      db_col_text(st, 6), "active", db_col_int(st, 4)));
	return resp_json(o, 200, list);
}

int organisations_api_create(const struct req *r, struct resp *o)
{
	if (r->json == NULL)
		return resp_error(o, 415, "Send a JSON object with Content-Type: application/json.", NULL);
	struct org_input in = input_from(r);
	struct form_errors fe = {0};
	int64_t id = organisations_save(r->db, r->user->id, 0, &in, &fe);
	if (id == 0)
		return fe.n ? resp_error(o, 422, fe.e[0].message, fe.e[0].field)
			    : resp_error(o, 500, "The organisation could not be saved.", NULL);
	return resp_json(o, 201, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id, "name", in.name, "sector",
					   in.sector, "area", in.area));
}
