/* venue_edit.c — the admin's venues: the list, and correcting one (a wrong postcode, new access
 * notes), on the web and through the API. The rules are venues_save's (venues.c); the people booked
 * on the sessions that followed are told afterwards, in a transaction of their own, as after a
 * session's own change (session_pages.c). */
#include "venue_edit.h"

#include "auth.h"
#include "booking.h"
#include "db.h"
#include "html.h"
#include "sessions.h"
#include "util.h"
#include "valid.h"
#include "venue_pages.h"
#include "venues.h"

static struct venue_input input_from(const struct req *r)
{
	return (struct venue_input){req_field(r, "name"), req_field(r, "address"), req_field(r, "postcode"),
				    req_field(r, "access"), req_field(r, "area")};
}

/* Everyone booked or waiting on a session that moved is told. */
static void tell_moved(struct db *db, struct arena *a, const struct session *moved, int n)
{
	if (n == 0)
		return;
	if (db_begin(db) != DB_OK) {
		log_error("venue: could not tell the people of %d sessions that moved", n);
		return;
	}
	for (int i = 0; i < n; i++)
		booking_tell_changed(db, a, &moved[i]);
	if (db_commit(db) != DB_OK)
		db_rollback(db);
}

/* Saves the request's changes to venue id: 0 and *n_moved, or with fe filled (none: the database failed). */
static bool save(const struct req *r, int64_t id, const struct venue_input *in, struct form_errors *fe, int *n_moved)
{
	struct session *moved;
	if (!venues_save(r->db, r->arena, r->user->id, id, in, fe, &moved, n_moved))
		return false;
	tell_moved(r->db, r->arena, moved, *n_moved);
	return true;
}

int venues_admin_page(const struct req *r, struct resp *o)
{
	struct venue *list;
	size_t n = venues_list(r->db, r->arena, true, &list);
	struct page p = {.title = "Venues", .wide = true, .back = "/"};
	page_begin(r, o, &p);
	html_lit(o, "<h1 class=\"govuk-heading-l\">Venues</h1>");
	const char *done = req_query(r, "done");
	long long moved;
	if (done && valid_int(done, 0, 100000, &moved))
		html_notice(o, "The venue has been changed",
			    moved ? arena_printf(r->arena, "%lld session%s to come now %s the new details.", moved,
						 moved == 1 ? "" : "s", moved == 1 ? "has" : "have")
				  : NULL);
	html_lit(o, "<p class=\"govuk-body\">Every venue a session has been held at. A session keeps its own copy of "
		    "its venue's details; correcting a venue here changes the sessions still to come, and their people "
		    "are told.</p>");
	static const char *const cols[] = {"Venue", "Address", "Sessions to come"};
	html_table_begin(o, NULL, cols, 3);
	for (size_t i = 0; i < n; i++)
		htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a class=\"govuk-link\" "
			 "href=\"/admin/venues/%D\">%h</a></td><td class=\"govuk-table__cell\">%h, %h</td>"
			 "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%D</td></tr>",
		      list[i].id, list[i].name, list[i].address, list[i].postcode, list[i].to_come);
	html_table_end(o);
	if (n == 0)
		html_lit(o, "<p class=\"govuk-body\">None yet: a session's venue is kept when the session is made.</p>");
	page_end(r, o, &p);
	return 200;
}

static int render_form(const struct req *r, struct resp *o, int64_t id, const struct venue_input *v,
		       int64_t to_come, const struct form_errors *fe, int status)
{
	struct page p = {.title = "Change a venue", .errors = fe, .back = "/admin/venues"};
	page_begin(r, o, &p);
	html_lit(o, "<h1 class=\"govuk-heading-l\">Change a venue</h1>");
	if (to_come)
		htmlf(o, "<div class=\"govuk-inset-text\">%D session%h to come %h here. They take the new details, and "
			 "everyone booked or waiting is told if the name, address or postcode changes.</div>",
		      to_come, to_come == 1 ? "" : "s", to_come == 1 ? "is" : "are");
	html_form_begin(r, o, arena_printf(r->arena, "/admin/venues/%lld", (long long)id));
	venue_fields(r, o, "", v, fe, "The district or unitary area the venue is in");
	html_button(o, "Save");
	html_form_end(o);
	page_end(r, o, &p);
	return status;
}

/* The venue the address names; false if there is none. */
static bool load_param(const struct req *r, struct venue *v)
{
	int64_t id;
	return valid_id(req_param(r, 0), &id) && venues_load(r->db, r->arena, id, v);
}

int venues_edit_page(const struct req *r, struct resp *o)
{
	struct venue v;
	if (!load_param(r, &v))
		return page_error(r, o, 404, "Page not found", "There is no such venue.");
	struct venue_input in = {v.name, v.address, v.postcode, v.access, v.area};
	return render_form(r, o, v.id, &in, venues_to_come(r->db, v.id), NULL, 200);
}

int venues_update(const struct req *r, struct resp *o)
{
	struct venue v;
	if (!load_param(r, &v))
		return page_error(r, o, 404, "Page not found", "There is no such venue.");
	struct venue_input in = input_from(r);
	struct form_errors fe = {0};
	int moved = 0;
	if (!save(r, v.id, &in, &fe, &moved)) {
		if (fe.n == 0)
			return page_error(r, o, 500, "Sorry, there is a problem with the service", "Try again later.");
		return render_form(r, o, v.id, &in, venues_to_come(r->db, v.id), &fe, 400);
	}
	return resp_redirect(o, arena_printf(r->arena, "/admin/venues?done=%d", moved));
}

int venues_api_get(const struct req *r, struct resp *o)
{
	struct venue v;
	if (!load_param(r, &v))
		return resp_error(o, 404, "There is no such venue.", NULL);
	return resp_json(o, 200, venue_json(&v));
}

int venues_api_update(const struct req *r, struct resp *o)
{
	if (r->json == NULL)
		return resp_error(o, 415, "Send a JSON object with Content-Type: application/json.", NULL);
	struct venue v;
	if (!load_param(r, &v))
		return resp_error(o, 404, "There is no such venue.", NULL);
	struct venue_input in = input_from(r);
	struct form_errors fe = {0};
	int moved = 0;
	if (!save(r, v.id, &in, &fe, &moved))
		return fe.n ? resp_error(o, 422, fe.e[0].message, fe.e[0].field)
			    : resp_error(o, 500, "The venue could not be saved.", NULL);
	venues_load(r->db, r->arena, v.id, &v);
	json_t *j = venue_json(&v);
	json_object_set_new(j, "sessions_updated", json_integer(moved));
	return resp_json(o, 200, j);
}
