/* booking_pages.c — the people-facing side of booking: book and cancel (web and API), your
 * bookings with the calendar feed and the discretion setting, training records and refreshers. */
#include "booking_pages.h"

#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "booking.h"
#include "catalog.h"
#include "db.h"
#include "html.h"
#include "ics.h"
#include "sessions.h"
#include "site.h"
#include "valid.h"

static const char SQL_USER_BY_EMAIL[] = "SELECT id FROM users WHERE email = ?";

/* Who is being booked: yourself, or (admins only) the practitioner named by email. */
static int64_t booking_subject(const struct req *r, const char **error)
{
	if (r->user->role != ROLE_ADMIN)
		return r->user->id;
	const char *email = req_field(r, "email");
	if (!valid_email(email)) {
		*error = "Enter the practitioner's email address";
		return 0;
	}
	int64_t id = db_int(r->db, 0, SQL_USER_BY_EMAIL, "s", email);
	if (id == 0)
		*error = "There is no practitioner with that email address";
	return id;
}

int booking_book_post(const struct req *r, struct resp *o)
{
	int64_t session_id;
	if (!valid_id(req_param(r, 0), &session_id))
		return page_error(r, o, 404, "Page not found", "There is no such session.");
	const char *error = NULL;
	int64_t user_id = booking_subject(r, &error);
	if (user_id == 0)
		return page_error(r, o, 422, "The booking was not made", error);
	struct booking_result res;
	booking_book(r->db, r->arena, session_id, user_id, r->user, &res);
	if (res.http >= 300)
		return page_error(r, o, res.http, "The booking was not made", res.error);
	return resp_redirect(o, arena_printf(r->arena, "/sessions/%lld?done=%s%s", (long long)session_id, res.status,
					     res.overlap ? "&overlap=1" : ""));
}

int booking_cancel_post(const struct req *r, struct resp *o)
{
	int64_t id;
	if (!valid_id(req_param(r, 0), &id))
		return page_error(r, o, 404, "Page not found", "There is no such booking.");
	struct booking_result res;
	booking_cancel(r->db, r->arena, id, r->user, &res);
	if (res.http >= 300)
		return page_error(r, o, res.http, "The booking was not cancelled", res.error);
	if (r->user->role == ROLE_ADMIN)
		return resp_redirect(o, arena_printf(r->arena, "/sessions/%lld?done=cancelled", (long long)res.session_id));
	return resp_redirect(o, "/bookings?done=cancelled");
}

/* ---- calendar feed: /calendar/<user id>-<MAC>.ics, no cookie needed, revocable ---- */

static const char SQL_SALT[] = "SELECT calendar_salt FROM users WHERE id = ? AND active = 1";
static const char SQL_SET_SALT[] = "UPDATE users SET calendar_salt = ? WHERE id = ?";

static const char *feed_mac(struct arena *a, int64_t user_id, const char *salt)
{
	char mac[65];
	auth_hmac_hex("calendar-feed", arena_printf(a, "%lld:%s", (long long)user_id, salt), mac);
	return arena_strndup(a, mac, 32);
}

/* The feed's path for a user, creating the salt on first use. */
static const char *feed_path(struct db *db, struct arena *a, int64_t user_id)
{
	struct db_stmt *st = db_query(db, SQL_SALT, "I", user_id);
	const char *salt = db_next(st) ? arena_strdup(a, db_col_text(st, 0)) : NULL;
	db_done(st);
	if (salt == NULL) {
		salt = auth_random_token(a, 16);
		db_exec(db, SQL_SET_SALT, "sI", salt, user_id);
	}
	return arena_printf(a, "/calendar/%lld-%s.ics", (long long)user_id, feed_mac(a, user_id, salt));
}

static const char SQL_FEED[] = "SELECT b.session_id FROM bookings b JOIN sessions s ON s.id = b.session_id"
			       " WHERE b.user_id = ? AND b.status IN ('booked', 'attended', 'late', 'partial')"
			       " AND s.status = 'scheduled' AND s.ends_at > ? ORDER BY s.starts_at LIMIT 200";
static const char SQL_SHOW_NAMES[] = "SELECT show_course_names FROM users WHERE id = ?";

int booking_calendar_feed(const struct req *r, struct resp *o)
{
	const char *p = req_param(r, 0);
	const char *dash = p ? strchr(p, '-') : NULL;
	int64_t user_id;
	if (dash == NULL || strlen(dash) != 1 + 32 + 4 || strcmp(dash + 33, ".ics") != 0 ||
	    !valid_id(arena_strndup(r->arena, p, (size_t)(dash - p)), &user_id))
		return resp_text(o, 404, "text/plain; charset=utf-8", "not found\n", 10);
	struct db_stmt *st = db_query(r->db, SQL_SALT, "I", user_id);
	const char *salt = db_next(st) ? arena_strdup(r->arena, db_col_text(st, 0)) : NULL;
	db_done(st);
	if (salt == NULL || !str_equal_ct(arena_strndup(r->arena, dash + 1, 32), feed_mac(r->arena, user_id, salt)))
		return resp_text(o, 404, "text/plain; charset=utf-8", "not found\n", 10);
	bool show = db_int(r->db, 0, SQL_SHOW_NAMES, "I", user_id) != 0;
	struct ics_event events[200];
	struct session sessions[200];
	int n = 0;
	int64_t ids[200];
	st = db_query(r->db, SQL_FEED, "II", user_id, now_utc() - 30 * 86400);
	while (n < 200 && db_next(st))
		ids[n++] = db_col_int64(st, 0);
	db_done(st);
	int k = 0;
	for (int i = 0; i < n; i++) {
		if (!sessions_load(r->db, r->arena, ids[i], &sessions[k]))
			continue;
		events[k] = (struct ics_event){.session = &sessions[k], .title = session_title(&sessions[k], show)};
		k++;
	}
	char *ics = ics_calendar(ICS_PUBLISH, events, k);
	int status = resp_text(o, 200, "text/calendar; charset=utf-8", ics, strlen(ics));
	free(ics);
	return status;
}

/* ---- your bookings ---- */

static const char SQL_MY_BOOKINGS[] =
	"SELECT b.id, b.status, s.id, s.course_id, s.starts_at, s.venue_name, s.status, s.ends_at"
	" FROM bookings b JOIN sessions s ON s.id = b.session_id"
	" WHERE b.user_id = ? AND b.status IN ('booked', 'waitlisted') AND s.ends_at > ? ORDER BY s.starts_at";

static void preferences_form(const struct req *r, struct resp *o, bool show)
{
	html_form_begin(r, o, "/bookings/preferences");
	static const struct option choices[] = {
		{"0", "Say \"Training session\" (recommended if others may see your e-mail or calendar)"},
		{"1", "Show the course name"}};
	html_radios(o, NULL,
		    &(struct field){.name = "show_course_names", .label = "What e-mails and calendar entries call a session",
				    .value = show ? "1" : "0"},
		    choices, 2);
	html_button_secondary(o, "Save");
	html_form_end(o);
}

int booking_my_page(const struct req *r, struct resp *o)
{
	struct page p = {.title = "Your bookings", .nav = "/bookings", .wide = true};
	page_begin(r, o, &p);
	html_lit(o, "<h1 class=\"govuk-heading-l\">Your bookings</h1>");
	const char *done = req_query(r, "done");
	if (done && strcmp(done, "cancelled") == 0)
		html_notice(o, "Your booking has been cancelled", "If someone was waiting, the place has gone to them.");
	if (done && strcmp(done, "saved") == 0)
		html_notice(o, "Your settings have been saved", NULL);
	if (done && strcmp(done, "calendar") == 0)
		html_notice(o, "Your calendar address has changed", "The old address no longer works.");

	struct db_stmt *st = db_query(r->db, SQL_MY_BOOKINGS, "II", r->user->id, now_utc());
	int count = 0;
	while (db_next(st)) {
		static const char *const cols[] = {"When", "Course", "Where", "Status"};
		if (count++ == 0)
			html_table_begin(o, NULL, cols, 4);
		char when[80];
		time_human(db_col_int64(st, 4), when, sizeof when);
		const struct course *c = catalog_course(db_col_text(st, 3));
		htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%h</td>"
			 "<td class=\"govuk-table__cell\"><a class=\"govuk-link\" href=\"/sessions/%D\">%h</a></td>"
			 "<td class=\"govuk-table__cell\">%h</td><td class=\"govuk-table__cell\">",
		      when, db_col_int64(st, 2), c ? c->title : db_col_text(st, 3), db_col_text(st, 5));
		if (strcmp(db_col_text(st, 1), "booked") == 0)
			html_tag(o, "Booked", "green");
		else
			html_tag(o, arena_printf(r->arena, "Waiting list: number %d", booking_position(r->db, db_col_int64(st, 0))),
				 "yellow");
		html_lit(o, "</td></tr>");
	}
	db_done(st);
	if (count)
		html_table_end(o);
	else
		html_lit(o, "<p class=\"govuk-body\">You have no upcoming bookings. <a class=\"govuk-link\" "
			    "href=\"/sessions\">Find a session</a>.</p>");

	html_lit(o, "<h2 class=\"govuk-heading-m\">Add your bookings to your calendar</h2>"
		    "<p class=\"govuk-body\">Subscribe to this private address in your calendar app. Anyone who has it can "
		    "see when and where you are booked, so do not share it.</p>");
	/* Whole, so it can be pasted into a calendar app, on the configured address. */
	const char *feed = arena_printf(r->arena, "%s%s", site_base_url(), feed_path(r->db, r->arena, r->user->id));
	htmlf(o, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"%h\">Your calendar feed (.ics)</a>: "
		 "<code class=\"lantern-feed-address\">%h</code></p>",
	      feed, feed);
	html_post_button(r, o, "/bookings/calendar/reset", "Change the address (stops the old one working)", false);
	preferences_form(r, o, db_int(r->db, 0, SQL_SHOW_NAMES, "I", r->user->id) != 0);
	page_end(r, o, &p);
	return 200;
}

static const char SQL_SET_SHOW[] = "UPDATE users SET show_course_names = ? WHERE id = ?";

int booking_preferences_post(const struct req *r, struct resp *o)
{
	const char *v = req_form(r, "show_course_names");
	if (v == NULL || (strcmp(v, "0") != 0 && strcmp(v, "1") != 0))
		return page_error(r, o, 400, "There is a problem", "Choose what e-mails and calendar entries should say.");
	db_exec(r->db, SQL_SET_SHOW, "iI", v[0] == '1', r->user->id);
	return resp_redirect(o, "/bookings?done=saved");
}

int booking_calendar_reset_post(const struct req *r, struct resp *o)
{
	db_exec(r->db, SQL_SET_SALT, "sI", auth_random_token(r->arena, 16), r->user->id);
	return resp_redirect(o, "/bookings?done=calendar");
}

/* ---- training records ---- */

/* The date refresher training falls due: the session's end plus the course's interval. */
static int64_t refresher_due(int64_t ended, int months)
{
	time_t t = (time_t)ended;
	struct tm tm;
	localtime_r(&t, &tm);
	tm.tm_mon += months;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

static const char SQL_ATTENDED[] =
	"SELECT s.course_id, s.starts_at, s.ends_at, b.status, b.id, c.booking_id IS NOT NULL, coalesce(c.withdrawn_at, 0)"
	" FROM bookings b JOIN sessions s ON s.id = b.session_id LEFT JOIN certificates c ON c.booking_id = b.id"
	" WHERE b.user_id = ? AND b.status IN ('attended', 'late', 'partial') ORDER BY s.starts_at DESC";

/* Where an attendance's certificate stands: issued once the session has ended, or withdrawn. */
static void certificate_json(json_t *item, struct db_stmt *st, int64_t now)
{
	int64_t withdrawn = db_col_int64(st, 6);
	const char *state = withdrawn		? "withdrawn"
			    : db_col_int(st, 5)		? "issued"
			    : now < db_col_int64(st, 2) ? "after-the-session"
							: "being-prepared";
	json_object_set_new(item, "booking", json_integer(db_col_int64(st, 4)));
	json_object_set_new(item, "certificate", json_string(state));
	if (withdrawn) {
		char d[32];
		time_iso_local(withdrawn, d);
		d[10] = '\0';
		json_object_set_new(item, "certificate_withdrawn_on", json_string(d));
	}
}

/* A practitioner's record: each attendance, newest first, with the refresher it implies (only the
 * latest attendance of a course sets the due date). */
static json_t *training_json(struct db *db, int64_t user_id, int64_t now)
{
	json_t *list = json_array();
	const char *seen[64];
	int nseen = 0;
	struct db_stmt *st = db_query(db, SQL_ATTENDED, "I", user_id);
	while (db_next(st)) {
		const char *course_id = db_col_text(st, 0);
		const struct course *c = catalog_course(course_id);
		char iso[32];
		time_iso_local(db_col_int64(st, 1), iso);
		json_t *item = json_pack("{s:s, s:s?, s:s, s:s}", "course", course_id, "title", c ? c->title : NULL,
					 "attended_on", iso, "status", db_col_text(st, 3));
		iso[10] = '\0';
		json_object_set_new(item, "date", json_string(iso));
		certificate_json(item, st, now);
		bool latest = true;
		for (int i = 0; i < nseen; i++)
			latest = latest && strcmp(seen[i], course_id) != 0;
		if (latest && nseen < 64)
			seen[nseen++] = c ? c->id : "";
		if (c && c->refresher_months && latest) {
			int64_t due = refresher_due(db_col_int64(st, 2), c->refresher_months);
			char d[32];
			time_iso_local(due, d);
			d[10] = '\0';
			json_object_set_new(item, "refresher_due", json_string(d));
			json_object_set_new(item, "refresher_status",
					    json_string(due < now ? "overdue" : due < now + 60 * 86400 ? "due-soon" : "current"));
		} else {
			json_object_set_new(item, "refresher_due", json_null());
		}
		json_array_append_new(list, item);
	}
	db_done(st);
	return list;
}

int booking_api_training(const struct req *r, struct resp *o)
{
	return resp_json(o, 200, training_json(r->db, r->user->id, now_utc()));
}

/* Where the attendance's certificate stands: a link, withdrawn (and when), or still to come. */
static void certificate_cell(struct resp *o, json_t *item)
{
	const char *cert = json_string_value(json_object_get(item, "certificate"));
	if (strcmp(cert, "issued") == 0) {
		htmlf(o, "<a class=\"govuk-link\" href=\"/certificates/%D\">Certificate</a>",
		      (int64_t)json_integer_value(json_object_get(item, "booking")));
	} else if (strcmp(cert, "withdrawn") == 0) {
		html_lit(o, "Certificate ");
		html_tag(o, "Withdrawn", "red");
		htmlf(o, " on %h", json_string_value(json_object_get(item, "certificate_withdrawn_on")));
	} else if (strcmp(cert, "after-the-session") == 0) {
		html_lit(o, "Certificate when the session has ended");
	} else {
		html_lit(o, "Certificate being prepared");
	}
}

int booking_training_page(const struct req *r, struct resp *o)
{
	struct page p = {.title = "Your training record", .nav = "/training", .wide = true};
	page_begin(r, o, &p);
	html_lit(o, "<h1 class=\"govuk-heading-l\">Your training record</h1>");
	json_t *list = training_json(r->db, r->user->id, now_utc());
	if (json_array_size(list) == 0)
		html_lit(o, "<p class=\"govuk-body\">No attended training yet. Your record fills in when a trainer marks "
			    "you as attending.</p>");
	else
		html_lit(o, "<table class=\"govuk-table\"><thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">"
			    "<th scope=\"col\" class=\"govuk-table__header\">Course</th>"
			    "<th scope=\"col\" class=\"govuk-table__header\">Attended</th>"
			    "<th scope=\"col\" class=\"govuk-table__header\">Refresher due</th></tr></thead>"
			    "<tbody class=\"govuk-table__body\">");
	size_t i;
	json_t *item;
	json_array_foreach(list, i, item)
	{
		const char *title = json_string_value(json_object_get(item, "title"));
		const char *due = json_string_value(json_object_get(item, "refresher_due"));
		const char *state = json_string_value(json_object_get(item, "refresher_status"));
		/* The certificate under the course's name: a fourth column would not fit a phone. */
		htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%h<br>",
		      title ? title : json_string_value(json_object_get(item, "course")));
		certificate_cell(o, item);
		htmlf(o, "</td><td class=\"govuk-table__cell\">%h</td><td class=\"govuk-table__cell\">%h ",
		      json_string_value(json_object_get(item, "date")), due ? due : "No refresher needed");
		if (state && strcmp(state, "overdue") == 0)
			html_tag(o, "Overdue", "red");
		else if (state && strcmp(state, "due-soon") == 0)
			html_tag(o, "Due soon", "yellow");
		html_lit(o, "</td></tr>");
	}
	if (json_array_size(list))
		html_lit(o, "</tbody></table>");
	json_decref(list);
	page_end(r, o, &p);
	return 200;
}

/* Admins: who is due or overdue a refresher, by organisation (latest attendance per course). */
static const char SQL_DUE[] =
	"SELECT o.name, u.name, u.email, s.course_id, max(s.ends_at) FROM bookings b"
	" JOIN sessions s ON s.id = b.session_id JOIN users u ON u.id = b.user_id"
	" JOIN organisations o ON o.id = u.org_id"
	" WHERE b.status IN ('attended', 'late', 'partial') AND u.active = 1"
	" GROUP BY u.id, s.course_id ORDER BY o.name, u.name LIMIT 5000";

int booking_training_due_page(const struct req *r, struct resp *o)
{
	struct page p = {.title = "Refresher training due", .nav = "/admin/training", .wide = true};
	page_begin(r, o, &p);
	html_lit(o, "<h1 class=\"govuk-heading-l\">Refresher training due</h1><p class=\"govuk-body\">People whose "
		    "refresher is overdue or falls due in the next 60 days, by organisation.</p>");
	int64_t now = now_utc();
	const char *org = NULL;
	int shown = 0;
	struct db_stmt *st = db_query(r->db, SQL_DUE, "");
	while (db_next(st)) {
		const struct course *c = catalog_course(db_col_text(st, 3));
		if (c == NULL || c->refresher_months == 0)
			continue;
		int64_t due = refresher_due(db_col_int64(st, 4), c->refresher_months);
		if (due > now + 60 * 86400)
			continue;
		if (org == NULL || strcmp(org, db_col_text(st, 0)) != 0) {
			static const char *const cols[] = {"Name", "Course", "Due"};
			if (org)
				html_table_end(o);
			org = arena_strdup(r->arena, db_col_text(st, 0));
			htmlf(o, "<h2 class=\"govuk-heading-m\">%h</h2>", org);
			html_table_begin(o, NULL, cols, ARRAY_LEN(cols));
		}
		char d[40];
		date_human(due, d, sizeof d);
		htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%h</td>"
			 "<td class=\"govuk-table__cell\">%h</td><td class=\"govuk-table__cell\">%h ",
		      db_col_text(st, 1), c->title, d);
		html_tag(o, due < now ? "Overdue" : "Due soon", due < now ? "red" : "yellow");
		html_lit(o, "</td></tr>");
		shown++;
	}
	db_done(st);
	if (org)
		html_table_end(o);
	if (shown == 0)
		html_lit(o, "<p class=\"govuk-body\">Nobody is due a refresher.</p>");
	page_end(r, o, &p);
	return 200;
}

/* ---- API ---- */

/* The booking shape of spec §9, plus a warning when it overlaps another booked session. */
static int api_result(struct resp *o, const struct booking_result *res, int64_t session_id, const char *email)
{
	if (res->http >= 300)
		return resp_error(o, res->http, res->error, res->field);
	json_t *j = json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)res->id, "session", (json_int_t)session_id,
			      "email", email, "status", res->status);
	json_object_set_new(j, "waitlist_position", res->position ? json_integer(res->position) : json_null());
	if (res->overlap)
		json_object_set_new(j, "warning", json_string("This overlaps another session you are booked on."));
	if (res->promoted)
		json_object_set_new(j, "promoted", json_integer(res->promoted));
	return resp_json(o, res->http, j);
}

int booking_api_book(const struct req *r, struct resp *o)
{
	int64_t session_id;
	if (!valid_id(req_param(r, 0), &session_id))
		return resp_error(o, 404, "There is no such session.", NULL);
	const char *error = NULL;
	int64_t user_id = booking_subject(r, &error);
	if (user_id == 0)
		return resp_error(o, 422, error, "email");
	struct booking_result res;
	booking_book(r->db, r->arena, session_id, user_id, r->user, &res);
	return api_result(o, &res, session_id, r->user->role == ROLE_ADMIN ? req_field(r, "email") : r->user->email);
}

int booking_api_cancel(const struct req *r, struct resp *o)
{
	int64_t id;
	if (!valid_id(req_param(r, 0), &id))
		return resp_error(o, 404, "There is no such booking.", NULL);
	struct booking_result res;
	booking_cancel(r->db, r->arena, id, r->user, &res);
	if (res.http >= 300)
		return resp_error(o, res.http, res.error, res.field);
	json_t *j = json_pack("{s:I, s:s, s:i}", "id", (json_int_t)id, "status", "cancelled", "promoted", res.promoted);
	return resp_json(o, 200, j);
}

int booking_api_my_bookings(const struct req *r, struct resp *o)
{
	json_t *list = json_array();
	struct db_stmt *st = db_query(r->db, SQL_MY_BOOKINGS, "II", r->user->id, (int64_t)0);
	while (db_next(st)) {
		int64_t id = db_col_int64(st, 0);
		json_t *j = json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)id, "session",
				      (json_int_t)db_col_int64(st, 2), "email", r->user->email, "status", db_col_text(st, 1));
		json_array_append_new(list, j);
	}
	db_done(st);
	size_t i;
	json_t *j;
	json_array_foreach(list, i, j)
	{
		int pos = booking_position(r->db, (int64_t)json_integer_value(json_object_get(j, "id")));
		json_object_set_new(j, "waitlist_position", pos ? json_integer(pos) : json_null());
	}
	return resp_json(o, 200, list);
}
