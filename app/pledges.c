/* pledges.c — the employer pledge register: pages, API and one save path. A pledge records the role
 * of the employer's contact (for example "HR director"), not who they are. */
#include "pledges.h"

#include <stdlib.h>

#include "audit.h"
#include "auth.h"
#include "campaigns.h"
#include "catalog.h"
#include "db.h"
#include "period.h"
#include "ref.h"
#include "valid.h"

static const char SQL_PLEDGE_TAKEN[] = "SELECT count(*) FROM employer_pledges WHERE employer = ?";
static const char SQL_PLEDGE_NEW[] =
	"INSERT INTO employer_pledges (employer, sector, area, signed_on, contact_role, campaign_id, created_by,"
	" created_at) VALUES (?, ?, ?, ?, ?, nullif(?, ''), ?, ?)";
static const char SQL_PLEDGES[] =
	"SELECT p.id, p.employer, p.sector, s.name, p.area, a.name, p.signed_on, p.contact_role, p.campaign_id"
	" FROM employer_pledges p JOIN sectors s ON s.id = p.sector JOIN areas a ON a.id = p.area"
	" WHERE p.id = ?1 OR ?1 = 0 ORDER BY p.signed_on DESC, p.employer LIMIT 5000";

int64_t pledges_save(struct db *db, int64_t actor, const struct pledge_input *in, struct form_errors *fe)
{
	int y, m, d;
	if (!valid_text(in->employer, 160, false))
		form_error(fe, "employer", "Enter the employer's name, up to 160 characters");
	else if (db_int(db, 0, SQL_PLEDGE_TAKEN, "s", in->employer) > 0)
		form_error(fe, "employer", "This employer has already signed the pledge");
	if (!ref_sector_exists(db, in->sector))
		form_error(fe, "sector", "Choose the employer's sector");
	if (!ref_area_exists(db, in->area, false))
		form_error(fe, "area", "Choose the area the employer is in");
	if (!valid_date(in->signed_on, &y, &m, &d) || y < 2000)
		form_error(fe, "signed_on", "Enter the date the pledge was signed, like 2025-11-25");
	if (!valid_text(in->contact_role, 120, false))
		form_error(fe, "contact_role", "Enter the contact's role, for example HR director, up to 120 characters");
	if (in->campaign && *in->campaign && catalog_campaign(in->campaign) == NULL)
		form_error(fe, "campaign", "Choose a campaign from the list, or none");
	if (fe->n || db_begin(db) != DB_OK)
		return 0;
	enum db_rc rc = db_exec(db, SQL_PLEDGE_NEW, "ssssssII", in->employer, in->sector, in->area, in->signed_on,
				in->contact_role, in->campaign ? in->campaign : "", actor, now_utc());
	int64_t id = rc == DB_OK ? db_last_id(db) : 0;
	if (id) {
		char *idtext = xasprintf("%lld", (long long)id);
		char *summary = xasprintf("%s %s %s %s", in->employer, in->sector, in->area, in->signed_on);
		if (audit(db, actor, "employer_pledge", idtext, "create", NULL, summary) != 0)
			id = 0;
		free(idtext);
		free(summary);
	}
	if (id == 0 || db_commit(db) != DB_OK) {
		db_rollback(db);
		if (rc == DB_CONSTRAINT)
			form_error(fe, "employer", "This employer has already signed the pledge");
		return 0;
	}
	return id;
}

static struct pledge_input input_from(const struct req *r)
{
	return (struct pledge_input){req_field(r, "employer"),  req_field(r, "sector"),
				     req_field(r, "area"),      req_field(r, "signed_on"),
				     req_field(r, "contact_role"), req_field(r, "campaign")};
}

int pledges_list_page(const struct req *r, struct resp *o)
{
	struct page p = {.title = "Employer pledges", .nav = "/pledges", .wide = true};
	page_begin(r, o, &p);
	html_lit(o, "<h1 class=\"govuk-heading-l\">Employer pledges</h1>");
	if (req_query(r, "done"))
		html_notice(o, "The pledge has been recorded", NULL);
	html_lit(o, "<p class=\"govuk-body\">Employers who have signed the domestic abuse employer pledge: to support "
		    "staff affected by abuse and to respond to staff who cause it.</p>");
	if (campaigns_can_edit(r))
		html_lit(o, "<a href=\"/pledges/new\" role=\"button\" draggable=\"false\" class=\"govuk-button\" "
			    "data-module=\"govuk-button\">Record a pledge</a>");
	static const char *const cols[] = {"Employer", "Sector", "Area", "Signed", "Contact role"};
	html_table_begin(o, NULL, cols, ARRAY_LEN(cols));
	struct db_stmt *st = db_query(r->db, SQL_PLEDGES, "I", (int64_t)0);
	int n = 0;
	while (db_next(st)) {
		char signed_on[32];
		period_ymd_human(db_col_text(st, 6), signed_on, sizeof signed_on);
		htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%h</td><td class=\"govuk-table__cell\">"
			 "%h</td><td class=\"govuk-table__cell\">%h</td><td class=\"govuk-table__cell\">%h</td>"
			 "<td class=\"govuk-table__cell\">%h</td></tr>",
		      db_col_text(st, 1), db_col_text(st, 3), db_col_text(st, 5), signed_on, db_col_text(st, 7));
		n++;
	}
	html_table_end(o);
	htmlf(o, "<p class=\"govuk-body\">%d employers in all.</p>", n);
	page_end(r, o, &p);
	return 200;
}

static int render_form(const struct req *r, struct resp *o, const struct pledge_input *v, const struct form_errors *fe,
		       int status)
{
	struct page p = {.title = "Record a pledge", .nav = "/pledges", .errors = fe, .back = "/pledges"};
	page_begin(r, o, &p);
	html_lit(o, "<h1 class=\"govuk-heading-l\">Record a pledge</h1>");
	html_form_begin(r, o, "/pledges/new");
	html_input(o, fe, &(struct field){.name = "employer", .label = "Employer", .value = v->employer,
					  .autocomplete = "organization"});
	const struct option *opts;
	size_t n = ref_sector_options(r->db, r->arena, &opts);
	html_select(o, fe, &(struct field){.name = "sector", .label = "Sector", .value = v->sector}, opts, n);
	n = ref_area_options(r->db, r->arena, false, &opts);
	html_select(o, fe, &(struct field){.name = "area", .label = "Area", .value = v->area}, opts, n);
	html_input(o, fe, &(struct field){.name = "signed_on", .label = "Date signed", .value = v->signed_on,
					  .type = "date", .width = "govuk-input--width-10"});
	html_input(o, fe, &(struct field){.name = "contact_role", .label = "Contact's role", .value = v->contact_role,
					  .hint = "Their job title, not their name: for example HR director"});
	const struct catalog *cat = catalog_get();
	struct option *camps = arena_alloc(r->arena, (size_t)(cat->ncampaigns + 1) * sizeof *camps);
	camps[0] = (struct option){"", "None"};
	for (int i = 0; i < cat->ncampaigns; i++)
		camps[i + 1] = (struct option){cat->campaigns[i].id, cat->campaigns[i].title};
	html_select(o, fe, &(struct field){.name = "campaign", .label = "Campaign that brought them in (optional)",
					   .value = v->campaign},
		    camps, (size_t)cat->ncampaigns + 1);
	html_button(o, "Save");
	html_form_end(o);
	page_end(r, o, &p);
	return status;
}

int pledges_new_page(const struct req *r, struct resp *o)
{
	return render_form(r, o, &(struct pledge_input){0}, NULL, 200);
}

int pledges_create(const struct req *r, struct resp *o)
{
	struct pledge_input in = input_from(r);
	struct form_errors fe = {0};
	if (pledges_save(r->db, r->user->id, &in, &fe) == 0) {
		if (fe.n == 0)
			return page_error(r, o, 500, "Sorry, there is a problem with the service", "Try again later.");
		return render_form(r, o, &in, &fe, 400);
	}
	return resp_redirect(o, "/pledges?done=1");
}

static json_t *pledge_json(struct db_stmt *st)
{
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)db_col_int64(st, 0), "employer",
			      db_col_text(st, 1), "sector", db_col_text(st, 2), "area", db_col_text(st, 4), "signed_on",
			      db_col_text(st, 6), "contact_role", db_col_text(st, 7));
	json_object_set_new(j, "campaign", db_col_null(st, 8) ? json_null() : json_string(db_col_text(st, 8)));
	return j;
}

int pledges_api_list(const struct req *r, struct resp *o)
{
	json_t *list = json_array();
	struct db_stmt *st = db_query(r->db, SQL_PLEDGES, "I", (int64_t)0);
	while (db_next(st))
		json_array_append_new(list, pledge_json(st));
	return resp_json(o, 200, list);
}

int pledges_api_create(const struct req *r, struct resp *o)
{
	if (r->json == NULL)
		return resp_error(o, 415, "Send a JSON object with Content-Type: application/json.", NULL);
	struct pledge_input in = input_from(r);
	struct form_errors fe = {0};
	int64_t id = pledges_save(r->db, r->user->id, &in, &fe);
	if (id == 0)
		return fe.n ? resp_error(o, 422, fe.e[0].message, fe.e[0].field)
			    : resp_error(o, 500, "The pledge could not be saved.", NULL);
	struct db_stmt *st = db_query(r->db, SQL_PLEDGES, "I", id);
	json_t *j = db_next(st) ? pledge_json(st) : json_object();
	db_done(st);
	return resp_json(o, 201, j);
}
