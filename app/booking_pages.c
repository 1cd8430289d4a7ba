/* booking_pages.c — the people-facing side of booking: book and cancel (web and API), your
 * bookings with the calendar feed and the discretion setting, training records and refreshers. */
#include "booking_pages.h"

#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "booking.h"
#include "catalog.h"
#include "confirm.h"
#include "db.h"
#include "html.h"
#include "ics.h"
#include "session_pages.h"
#include "sessions.h"
#include "site.h"
#include "training_record.h"
#include "valid.h"

static const char SQL_USER_BY_EMAIL[] = "SELECT id FROM users WHERE email = ?";

/* Who is being booked: yourself, or (admins only) the practitioner named by email. */
static int64_t booking_subject(const struct req *r, const char **error)
{
	if (r->user->role != ROLE_ADMIN)
		return r->user->id;
	const char *email = req_field(r, "email");
	if (email == NULL || *email == '\0') {
		*error = "Enter the practitioner's email address";
		return 0;
	}
	if (!valid_email(email)) {
		*error = "Enter an email address in the correct format, like name@example.com";
		return 0;
	}
	int64_t id = db_int(r->db, 0, SQL_USER_BY_EMAIL, "s", email);
	if (id == 0)
		*error = "There is no practitioner with that email address";
	return id;
}

/* The session page again with the admin's book-on-behalf form showing what was wrong with it. */
static int email_refused(const struct req *r, struct resp *o, int64_t session_id, const char *error, int status)
{
	struct form_errors fe = {0};
	form_error(&fe, "email", error);
	return session_page_render(r, o, session_id, &fe, status);
}

int booking_book_post(const struct req *r, struct resp *o)
{
	int64_t session_id;
	if (!valid_id(req_param(r, 0), &session_id))
		return page_error(r, o, 404, "Page not found", "There is no such session.");
	const char *error = NULL;
	int64_t user_id = booking_subject(r, &error);
	if (user_id == 0)
		return email_refused(r, o, session_id, error, 422);
	struct booking_result res;
	booking_book(r->db, r->arena, session_id, user_id, r->user, &res);
	if (res.http >= 300 && res.field && strcmp(res.field, "email") == 0 && r->user->role == ROLE_ADMIN)
		return email_refused(r, o, session_id, res.error, res.http);
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

static const char SQL_NAME[] = "SELECT name FROM users WHERE id = ?";

static const char *user_name(const struct req *r, int64_t id)
{
	struct db_stmt *st = db_query(r->db, SQL_NAME, "I", id);
	const char *name = db_next(st) ? arena_strdup(r->arena, db_col_text(st, 0)) : "";
	db_done(st);
	return name;
}

/* What cancelling this booking will do, said before it is done: whose place, which session, who is
 * told. The button posts to this same address (booking_cancel_post). */
int booking_cancel_page(const struct req *r, struct resp *o)
{
	int64_t id, user_id;
	if (!valid_id(req_param(r, 0), &id))
		return page_error(r, o, 404, "Page not found", "There is no such booking.");
	struct booking_result res;
	struct session s;
	booking_cancel_check(r->db, r->arena, id, r->user, &res, &s, &user_id);
	if (res.http == 404)
		return page_error(r, o, 404, "Page not found", res.error);
	const char *back = arena_printf(r->arena, "/sessions/%lld", (long long)res.session_id);
	if (res.http != 200)
		return page_error_back(r, o, res.http, "The booking cannot be cancelled", res.error, back);
	bool own = user_id == r->user->id, waiting = strcmp(res.status, "waitlisted") == 0;
	const char *name = own ? NULL : user_name(r, user_id);
	struct confirm c = {.action = r->path, .back = back, .nav = own ? "/bookings" : "/sessions"};
	if (own) {
		c.title = waiting ? "Leave the waiting list?" : "Cancel your booking?";
		c.button = waiting ? "Yes, leave the waiting list" : "Yes, cancel my booking";
	} else {
		c.title = arena_printf(r->arena, waiting ? "Take %s off the waiting list?" : "Cancel %s's booking?", name);
		c.button = waiting ? "Yes, take them off the waiting list" : "Yes, cancel their booking";
	}
	confirm_begin(r, o, &c);
	session_summary(r, o, &s);
	const char *you = own ? "You" : name;
	if (waiting)
		htmlf(o, "<p class=\"govuk-body\">%h will no longer be offered a place if one comes free.</p>", you);
	else if (s.waitlisted > 0)
		htmlf(o, "<p class=\"govuk-body\">The place will go to the next person on the waiting list, who will be "
			 "told by e-mail.</p>");
	else
		htmlf(o, "<p class=\"govuk-body\">The place will be free for someone else to book.</p>");
	htmlf(o, "<p class=\"govuk-body\">%h will get an e-mail saying the booking is cancelled.</p>", you);
	if (!waiting && s.cancel_cutoff_at) {
		char when[80];
		time_human(s.cancel_cutoff_at, when, sizeof when);
		htmlf(o, "<p class=\"govuk-body\">You can book again while places are left, but after %h only the "
			 "programme team can cancel.</p>",
		      when);
	}
	return confirm_end(r, o, &c);
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

/* The page's upcoming bookings: those of sessions still going ahead (a cancelled one is listed as over). */
static const char SQL_MY_UPCOMING[] =
	"SELECT b.id, b.status, s.id, s.course_id, s.starts_at, s.venue_name, s.status, s.ends_at"
	" FROM bookings b JOIN sessions s ON s.id = b.session_id WHERE b.user_id = ? AND b.status IN ('booked', 'waitlisted')"
	" AND s.ends_at > ? AND s.status = 'scheduled' ORDER BY s.starts_at";

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

/* "5 March 2026", in a. */
static const char *date_text(struct arena *a, int64_t t)
{
	char d[40];
	date_human(t, d, sizeof d);
	return arena_strdup(a, d);
}

/* What became of a booking that is over, as a tag: text and colour. */
static const struct outcome {
	const char *outcome, *label, *colour;
} outcomes[] = {
	{"attended", "Attended", "green"},	   {"late", "Attended late", "green"},
	{"partial", "Left early", "turquoise"},	   {"absent", "Absent", "red"},
	{"excused", "Excused", "grey"},		   {"cancelled", "Booking cancelled", "grey"},
	{"session-cancelled", "Session cancelled", "orange"}, {"not-marked", "Not marked yet", "blue"},
	{"no-place", "No place became free", "grey"},
};

static void outcome_tag(struct resp *o, const char *outcome)
{
	for (size_t i = 0; i < ARRAY_LEN(outcomes); i++)
		if (strcmp(outcomes[i].outcome, outcome) == 0) {
			html_tag(o, outcomes[i].label, outcomes[i].colour);
			return;
		}
	html_tag(o, outcome, NULL);
}

/* Bookings that are over stay in view: what happened to each, newest first, with the training
 * record for certificates and feedback. */
static void past_bookings(const struct req *r, struct resp *o)
{
	struct past_booking *list;
	int n = training_past_bookings(r->db, r->arena, r->user->id, now_utc(), &list);
	html_lit(o, "<h2 class=\"govuk-heading-m\" id=\"past\">Past and cancelled bookings</h2>");
	if (n == 0) {
		html_lit(o, "<p class=\"govuk-body\">None yet.</p>");
		return;
	}
	html_lit(o, "<p class=\"govuk-body\">Certificates and feedback for the sessions you attended are in your "
		    "<a class=\"govuk-link\" href=\"/training\">training record</a>.</p>");
	/* Three columns, the day alone: enough to recognise a session, and it fits a phone. */
	static const char *const cols[] = {"Date", "Course", "What happened"};
	html_table_begin(o, NULL, cols, ARRAY_LEN(cols));
	for (int i = 0; i < n; i++) {
		const struct course *c = catalog_course(list[i].course_id);
		htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%h</td>"
			 "<td class=\"govuk-table__cell\"><a class=\"govuk-link\" href=\"/sessions/%D\">%h</a></td>"
			 "<td class=\"govuk-table__cell\">",
		      date_text(r->arena, list[i].starts_at), list[i].session, c ? c->title : list[i].course_id);
		outcome_tag(o, list[i].outcome);
		html_lit(o, "</td></tr>");
	}
	html_table_end(o);
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

	struct db_stmt *st = db_query(r->db, SQL_MY_UPCOMING, "II", r->user->id, now_utc());
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
	past_bookings(r, o);

	html_lit(o, "<h2 class=\"govuk-heading-m\">Add your bookings to your calendar</h2>"
		    "<p class=\"govuk-body\">Subscribe to this private address in your calendar app. Anyone who has it can "
		    "see when and where you are booked, so do not share it.</p>");
	/* Whole, so it can be pasted into a calendar app, on the configured address. */
	const char *feed = arena_printf(r->arena, "%s%s", site_base_url(), feed_path(r->db, r->arena, r->user->id));
	htmlf(o, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"%h\">Your calendar feed (.ics)</a>: "
		 "<code class=\"lantern-feed-address\">%h</code></p>",
	      feed, feed);
	html_link_button(o, "/bookings/calendar/reset", "Change the address (stops the old one working)", false);
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

int booking_calendar_reset_page(const struct req *r, struct resp *o)
{
	struct confirm c = {.title = "Change your calendar address?", .nav = "/bookings", .action = r->path,
			    .button = "Yes, change the address", .back = "/bookings"};
	confirm_begin(r, o, &c);
	html_lit(o, "<p class=\"govuk-body\">The address you subscribed to will stop working at once: calendars that "
		    "use it will stop showing your bookings. Subscribe to the new address, shown on Your bookings, "
		    "where you want them to appear.</p>"
		    "<p class=\"govuk-body\">Do this if someone else may have the old address.</p>");
	return confirm_end(r, o, &c);
}

int booking_calendar_reset_post(const struct req *r, struct resp *o)
{
	db_exec(r->db, SQL_SET_SALT, "sI", auth_random_token(r->arena, 16), r->user->id);
	return resp_redirect(o, "/bookings?done=calendar");
}

/* ---- training records ---- */

/* A date for JSON: "2026-03-05", local. */
static json_t *date_json(int64_t t)
{
	char d[32];
	time_iso_local(t, d);
	d[10] = '\0';
	return json_string(d);
}

static json_t *training_json(struct db *db, struct arena *a, int64_t user_id, int64_t now)
{
	struct training_entry *list;
	int n = training_record(db, a, user_id, now, &list);
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		const struct training_entry *e = &list[i];
		char iso[32];
		time_iso_local(e->starts_at, iso);
		json_t *item = json_pack("{s:s, s:s?, s:s, s:s, s:o, s:I, s:s, s:s}", "course", e->course_id, "title", e->title,
					 "attended_on", iso, "status", e->status, "date", date_json(e->starts_at), "booking",
					 (json_int_t)e->booking, "certificate", training_certificate_name(e->certificate),
					 "evaluation", training_evaluation_name(e->evaluation));
		if (e->certificate == CERTIFICATE_WITHDRAWN)
			json_object_set_new(item, "certificate_withdrawn_on", date_json(e->certificate_withdrawn_at));
		if (e->evaluation == EVALUATION_OPEN)
			json_object_set_new(item, "evaluation_closes_on", date_json(e->evaluation_closes_at));
		json_object_set_new(item, "refresher_due", e->refresher ? date_json(e->refresher_due) : json_null());
		if (e->refresher)
			json_object_set_new(item, "refresher_status", json_string(training_refresher_name(e->refresher)));
		json_array_append_new(items, item);
	}
	return items;
}

int booking_api_training(const struct req *r, struct resp *o)
{
	return resp_json(o, 200, training_json(r->db, r->arena, r->user->id, now_utc()));
}

/* Where the attendance's certificate stands: a link, withdrawn (and when), or still to come. what
 * names the attendance for people who hear links out of context. */
static void certificate_line(const struct req *r, struct resp *o, const struct training_entry *e, const char *what)
{
	switch (e->certificate) {
	case CERTIFICATE_ISSUED:
		htmlf(o, "<a class=\"govuk-link\" href=\"/certificates/%D\">Certificate<span class=\"govuk-visually-hidden\">"
			 " for %h</span></a>",
		      e->booking, what);
		break;
	case CERTIFICATE_WITHDRAWN:
		html_lit(o, "Certificate ");
		html_tag(o, "Withdrawn", "red");
		htmlf(o, " on %h", date_text(r->arena, e->certificate_withdrawn_at));
		break;
	case CERTIFICATE_AFTER_SESSION:
		html_lit(o, "Certificate when the session has ended");
		break;
	case CERTIFICATE_PREPARING:
		html_lit(o, "Certificate being prepared");
		break;
	}
}

/* Where the attendance's evaluation stands: a link while it is open, or why there is none. */
static void evaluation_line(struct resp *o, const struct training_entry *e, const char *what)
{
	switch (e->evaluation) {
	case EVALUATION_OPEN: {
		char until[80];
		time_human(e->evaluation_closes_at, until, sizeof until);
		htmlf(o, "<a class=\"govuk-link\" href=\"/evaluations/%D\">Give feedback<span class=\"govuk-visually-hidden\">"
			 " on %h</span></a> until %h",
		      e->booking, what, until);
		break;
	}
	case EVALUATION_SENT:
		html_lit(o, "Feedback sent");
		break;
	case EVALUATION_CLOSED:
		html_lit(o, "Feedback closed");
		break;
	case EVALUATION_AFTER_SESSION:
		html_lit(o, "Feedback when the session has ended");
		break;
	}
}

/* One attendance as a GOV.UK summary card: when, the certificate, the feedback and the refresher,
 * each on a row of its own, which reads the same on a phone as on a desk. */
static void training_card(const struct req *r, struct resp *o, const struct training_entry *e)
{
	const char *title = e->title ? e->title : e->course_id, *day = date_text(r->arena, e->starts_at);
	const char *what = arena_printf(r->arena, "%s, %s", title, day);
	htmlf(o, "<div class=\"govuk-summary-card\"><div class=\"govuk-summary-card__title-wrapper\">"
		 "<h2 class=\"govuk-summary-card__title\">%h</h2></div><div class=\"govuk-summary-card__content\">"
		 "<dl class=\"govuk-summary-list\">",
	      title);
	html_summary_row(o, "Attended", strcmp(e->status, "late") == 0	    ? arena_printf(r->arena, "%s (arrived late)", day)
					: strcmp(e->status, "partial") == 0 ? arena_printf(r->arena, "%s (left early)", day)
									    : day);
	html_summary_row_open(o, "Certificate");
	certificate_line(r, o, e, what);
	html_summary_row_close(o);
	html_summary_row_open(o, "Feedback");
	evaluation_line(o, e, what);
	html_summary_row_close(o);
	html_summary_row_open(o, "Refresher due");
	htmlf(o, "%h ", e->refresher ? date_text(r->arena, e->refresher_due) : "No refresher needed");
	if (e->refresher == REFRESHER_OVERDUE)
		html_tag(o, "Overdue", "red");
	else if (e->refresher == REFRESHER_DUE_SOON)
		html_tag(o, "Due soon", "yellow");
	html_summary_row_close(o);
	html_lit(o, "</dl></div></div>");
}

int booking_training_page(const struct req *r, struct resp *o)
{
	struct page p = {.title = "Your training record", .nav = "/training"};
	page_begin(r, o, &p);
	html_lit(o, "<h1 class=\"govuk-heading-l\">Your training record</h1>");
	struct training_entry *list;
	int n = training_record(r->db, r->arena, r->user->id, now_utc(), &list);
	if (n == 0)
		html_lit(o, "<p class=\"govuk-body\">No attended training yet. Your record fills in when a trainer marks "
			    "you as attending.</p>");
	for (int i = 0; i < n; i++)
		training_card(r, o, &list[i]);
	html_lit(o, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/bookings#past\">Your past and cancelled "
		    "bookings</a></p>");
	page_end(r, o, &p);
	return 200;
}

/* Admins: who is due or overdue a refresher, by organisation (latest attendance per course). */
static const char SQL_DUE[] =
	"SELECT o.name, u.name, u.email, s.course_id, max(s.ends_at) FROM bookings b"
	" JOIN sessions s ON s.id = b.session_id JOIN users u ON u.id = b.user_id"
	" JOIN organisations o ON o.id = u.org_id"
	" WHERE b.status IN ('attended', 'late', 'partial') AND u.active = 1"
	" GROUP BY u.id, s.course_id, o.id ORDER BY o.name, u.name LIMIT 5000";

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
		int64_t due = training_refresher_due(db_col_int64(st, 4), c->refresher_months);
		if (training_refresher_state(due, now) == REFRESHER_CURRENT)
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

/* when=past: the bookings that are over, with what became of each; otherwise the upcoming ones, as
 * "Your bookings" shows them. */
static int api_past_bookings(const struct req *r, struct resp *o)
{
	struct past_booking *list;
	int n = training_past_bookings(r->db, r->arena, r->user->id, now_utc(), &list);
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		char iso[32];
		time_iso_local(list[i].starts_at, iso);
		/* The booking shape (status, waitlist_position) with what became of it. */
		json_array_append_new(items, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:n, s:s}", "id",
						       (json_int_t)list[i].booking, "session", (json_int_t)list[i].session,
						       "course", list[i].course_id, "starts_at", iso, "email", r->user->email,
						       "status", list[i].status, "waitlist_position", "outcome",
						       list[i].outcome));
	}
	return resp_json(o, 200, items);
}

int booking_api_my_bookings(const struct req *r, struct resp *o)
{
	const char *when = req_query(r, "when");
	if (when && strcmp(when, "past") == 0)
		return api_past_bookings(r, o);
	if (when && *when && strcmp(when, "upcoming") != 0)
		return resp_error(o, 400, "Give when as upcoming or past.", "when");
	json_t *list = json_array();
	struct db_stmt *st = db_query(r->db, SQL_MY_UPCOMING, "II", r->user->id, now_utc());
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
