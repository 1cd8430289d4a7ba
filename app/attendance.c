/* attendance.c — the roster a trainer works through at the door (big touch targets, one tap per
 * person), walk-ins, marking everyone at once, the paper sign-in sheet and entering its marks,
 * pupil head-counts, and the attendance CSV. Every change of a mark is audited. */
#include "attendance.h"

#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "catalog.h"
#include "certificates.h"
#include "csv.h"
#include "auth.h"
#include "db.h"
#include "deliveries.h"
#include "html.h"
#include "ref.h"
#include "route.h"
#include "sessions.h"
#include "users.h"
#include "valid.h"

static const char *const marks[] = {"attended", "late", "partial", "absent", "excused"};
static const char *const mark_labels[] = {"Attended", "Late", "Left early", "Absent", "Excused"};

bool attendance_status_valid(const char *s)
{
	for (size_t i = 0; s && i < ARRAY_LEN(marks); i++)
		if (strcmp(s, marks[i]) == 0)
			return true;
	return false;
}

bool attendance_present(const char *s)
{
	return s && (strcmp(s, "attended") == 0 || strcmp(s, "late") == 0 || strcmp(s, "partial") == 0);
}

int64_t attendance_opens_at(const struct session *s)
{
	return s->starts_at - 30 * 60;
}

bool attendance_open(const struct session *s, const struct user *actor, int64_t now)
{
	return actor->role == ROLE_ADMIN || now >= attendance_opens_at(s);
}

static const char SQL_BOOKING[] = "SELECT session_id, status, coalesce(minutes_attended, 0) FROM bookings WHERE id = ?";
static const char SQL_SET[] = "UPDATE bookings SET status = ?, minutes_attended = NULL WHERE id = ?";
static const char SQL_SET_PARTIAL[] = "UPDATE bookings SET status = 'partial', minutes_attended = ? WHERE id = ?";

/* The minutes someone who left early was there: for partial, a whole number from 1 to the session's
 * length; for any other mark, none. Returns true with *out (0 for none), or false with *error. */
static bool minutes_valid(struct arena *a, const struct session *s, const char *status, const char *minutes,
			  long long *out, const char **error)
{
	long long length = (s->ends_at - s->starts_at) / 60;
	*out = 0;
	if (strcmp(status, "partial") != 0) {
		*error = "Give the minutes attended only for someone who left early (partial).";
		return minutes == NULL || *minutes == '\0';
	}
	*error = arena_printf(a, "Enter the minutes they attended before leaving, a whole number from 1 to %lld "
				 "(the session's length)",
			      length);
	return valid_int(minutes, 1, length > 0 ? length : 1, out);
}

/* Inside the caller's transaction: checks and writes one mark, and notes someone there for the
 * certificate the duty issues when the session has ended. */
static int mark_in_txn(struct db *db, struct arena *a, const struct user *actor, int64_t booking_id,
		       const char *status, const char *minutes, struct mark_error *e)
{
	struct db_stmt *st = db_query(db, SQL_BOOKING, "I", booking_id);
	if (!db_next(st)) {
		e->message = "There is no such booking.";
		return 404;
	}
	int64_t session_id = db_col_int64(st, 0), old_minutes = db_col_int64(st, 2);
	const char *old = arena_strdup(a, db_col_text(st, 1));
	db_done(st);
	struct session s;
	if (!sessions_load(db, a, session_id, &s)) { /* the booking's session: only a failed read misses it */
		e->message = "The service is busy; try again.";
		return 503;
	}
	if (actor->role != ROLE_ADMIN && !session_is_trainer(&s, actor->id)) {
		e->message = "Only this session's trainers and admins take its attendance.";
		return 403;
	}
	if (strcmp(s.status, "cancelled") == 0) {
		e->message = "This session was cancelled.";
		return 409;
	}
	if (!attendance_open(&s, actor, now_utc())) {
		e->message = "Attendance can be taken from 30 minutes before the session starts.";
		return 409;
	}
	if (strcmp(old, "waitlisted") == 0 || strcmp(old, "cancelled") == 0) {
		e->message = "Only people with a place can be marked; add someone else as a walk-in.";
		return 409;
	}
	long long mins;
	if (!minutes_valid(a, &s, status, minutes, &mins, &e->message)) {
		e->field = "minutes_attended";
		return 422;
	}
	if (strcmp(old, status) == 0 && old_minutes == mins)
		return 0;
	const char *id = arena_printf(a, "%lld", (long long)booking_id);
	enum db_rc set = mins ? db_exec(db, SQL_SET_PARTIAL, "II", (int64_t)mins, booking_id)
			      : db_exec(db, SQL_SET, "sI", status, booking_id);
	if (set != DB_OK) {
		e->message = "The mark could not be saved; try again.";
		return 503;
	}
	if (strcmp(old, status) != 0)
		audit(db, actor->id, "attendance", id, "mark", old, status);
	if (mins && old_minutes != mins)
		audit(db, actor->id, "attendance", id, "minutes",
		      old_minutes ? arena_printf(a, "%lld", (long long)old_minutes) : NULL, arena_printf(a, "%lld", mins));
	if (attendance_present(status) && certificates_due_add(db, booking_id) != 0) {
		e->message = "The mark could not be saved; try again.";
		return 503;
	}
	return 0;
}

int attendance_mark(struct db *db, struct arena *a, const struct user *actor, int64_t booking_id, const char *status,
		    const char *minutes, struct mark_error *e)
{
	*e = (struct mark_error){0};
	if (!attendance_status_valid(status)) {
		e->message = "Choose attended, late, partial, absent or excused.";
		e->field = "status";
		return 422;
	}
	if (db_begin(db) != DB_OK) {
		e->message = "The service is busy; try again.";
		return 503;
	}
	int rc = mark_in_txn(db, a, actor, booking_id, status, minutes, e);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	if (db_commit(db) != DB_OK) {
		e->message = "The service is busy; try again.";
		return 503;
	}
	return 0;
}

static const char SQL_EXISTING[] = "SELECT id, status FROM bookings WHERE session_id = ? AND user_id = ? AND status <> 'cancelled'";
static const char SQL_PRACTITIONER[] = "SELECT u.email, o.sector FROM users u LEFT JOIN organisations o ON o.id = u.org_id"
				       " WHERE u.id = ? AND u.role = 'practitioner' AND u.active = 1";
static const char SQL_WALK_IN[] = "INSERT INTO bookings (session_id, user_id, sector, status, created_at, booked_by, walk_in)"
				  " VALUES (?, ?, ?, 'attended', ?, ?, 1)";

int64_t attendance_walk_in(struct db *db, struct arena *a, const struct user *actor, int64_t session_id,
			   int64_t user_id, const char **error)
{
	if (db_begin(db) != DB_OK) {
		*error = "The service is busy; try again.";
		return 0;
	}
	int64_t id = 0, now = now_utc();
	struct session s;
	struct db_stmt *st;
	if (!sessions_load(db, a, session_id, &s)) {
		*error = "There is no such session.";
		goto out;
	}
	if (actor->role != ROLE_ADMIN && actor->id != user_id && !session_is_trainer(&s, actor->id)) {
		*error = "Only this session's trainers and admins add walk-ins.";
		goto out;
	}
	if (strcmp(s.status, "cancelled") == 0 || !attendance_open(&s, actor, now)) {
		*error = "Walk-ins can be added from 30 minutes before the start of a session that is going ahead.";
		goto out;
	}
	st = db_query(db, SQL_PRACTITIONER, "I", user_id);
	if (!db_next(st)) {
		db_done(st);
		*error = "Walk-ins must be active practitioners.";
		goto out;
	}
	const char *sector = arena_strdup(a, db_col_text(st, 1));
	db_done(st);
	st = db_query(db, SQL_EXISTING, "II", session_id, user_id);
	if (db_next(st)) {
		/* Already on the list (booked or waiting): they are here, so mark them. */
		int64_t existing = db_col_int64(st, 0);
		const char *old = arena_strdup(a, db_col_text(st, 1));
		db_done(st);
		if (!attendance_present(old)) {
			db_exec(db, SQL_SET, "sI", "attended", existing);
			audit(db, actor->id, "attendance", arena_printf(a, "%lld", (long long)existing), "mark", old, "attended");
		}
		id = existing;
		if (certificates_due_add(db, id) != 0) {
			*error = "The walk-in could not be added.";
			goto out;
		}
	} else {
		db_done(st);
		if (db_exec(db, SQL_WALK_IN, "IIsII", session_id, user_id, sector, now, actor->id) != DB_OK) {
			*error = "The walk-in could not be added.";
			goto out;
		}
		id = db_last_id(db);
		audit(db, actor->id, "attendance", arena_printf(a, "%lld", (long long)id), "walk-in", NULL, "attended");
		if (certificates_due_add(db, id) != 0) {
			*error = "The walk-in could not be added.";
			goto out;
		}
	}
	if (db_commit(db) == DB_OK)
		return id;
	*error = "The service is busy; try again.";
	return 0;
out:
	db_rollback(db);
	return 0;
}

/* ---- pages ---- */

/* Loads the session for a trainer or admin; renders the error itself and returns its status. */
static int load_for_staff(const struct req *r, struct resp *o, struct session *s)
{
	int64_t id;
	if (!valid_id(req_param(r, 0), &id) || !sessions_load(r->db, r->arena, id, s))
		return route_error(r, o, 404, "There is no such session.");
	if (r->user->role != ROLE_ADMIN && !session_is_trainer(s, r->user->id))
		return route_error(r, o, 403, "Only this session's trainers and admins take its attendance.");
	return 0;
}

static const char SQL_ROSTER[] = "SELECT b.id, u.name, coalesce(o.name, ''), b.status, b.walk_in, u.email,"
				 " coalesce(b.minutes_attended, 0)"
				 " FROM bookings b JOIN users u ON u.id = b.user_id LEFT JOIN organisations o ON o.id = u.org_id"
				 " WHERE b.session_id = ? AND b.status NOT IN ('waitlisted', 'cancelled') ORDER BY u.name";
static const char SQL_AUDIT[] = "SELECT l.at, coalesce(a.name, 'lantern'), u.name, l.action, coalesce(l.old_value, ''),"
				" l.new_value FROM audit_log l JOIN bookings b ON l.entity = 'attendance'"
				" AND l.entity_id = CAST(b.id AS TEXT) JOIN users u ON u.id = b.user_id"
				" LEFT JOIN users a ON a.id = l.actor_id WHERE b.session_id = ? ORDER BY l.id DESC LIMIT 500";

static const char *mark_label(const char *status)
{
	for (size_t i = 0; i < ARRAY_LEN(marks); i++)
		if (strcmp(status, marks[i]) == 0)
			return mark_labels[i];
	return strcmp(status, "booked") == 0 ? "Not marked yet" : status;
}

/* The mark as the roster shows it: "Left early (1 hour 30 minutes)" for someone who left early. */
static const char *mark_text(struct arena *a, const char *status, int minutes)
{
	return minutes > 0 ? arena_printf(a, "%s (%s)", mark_label(status), duration_human(a, minutes)) : mark_label(status);
}

static void session_heading(struct resp *o, const struct session *s, const char *what)
{
	const struct course *c = catalog_course(s->course_id);
	char when[80];
	time_human(s->starts_at, when, sizeof when);
	htmlf(o, "<span class=\"govuk-caption-l\">%h</span><h1 class=\"govuk-heading-l\">%h</h1>"
		 "<p class=\"govuk-body\">%h, %h</p>",
	      what, c ? c->title : s->course_id, when, s->venue_name);
}

static const char SQL_PUPILS_PRESENT[] = "SELECT pupils_present FROM sessions WHERE id = ?";

static void headcount_form(const struct req *r, struct resp *o, const struct session *s, const struct form_errors *fe,
			   const char *value)
{
	if (value == NULL) {
		int64_t present = db_int(r->db, -1, SQL_PUPILS_PRESENT, "I", s->id);
		value = present >= 0 ? arena_printf(r->arena, "%lld", (long long)present) : NULL;
	}
	html_lit(o, "<h2 class=\"govuk-heading-m\">Pupils present</h2>");
	html_form_begin(r, o, arena_printf(r->arena, "/sessions/%lld/headcount", (long long)s->id));
	html_input(o, fe, &(struct field){.name = "pupils_present", .label = "How many pupils took part?", .value = value,
					  .hint = "A head-count only: pupils' names are never recorded",
					  .width = "govuk-input--width-4", .inputmode = "numeric"});
	html_button(o, "Save head-count");
	html_form_end(o);
}

/* Where a mark sends the trainer back to without JavaScript: their row, by its anchor, so a long
 * roster on a phone does not start again at the top. */
static const char *roster_row_href(struct arena *a, int64_t session_id, int64_t booking)
{
	return arena_printf(a, "/sessions/%lld/roster?marked=%lld#booking-%lld", (long long)session_id, (long long)booking,
			    (long long)booking);
}

/* One person: name, mark, and a button per mark with the current one pressed (aria-pressed). closed:
 * marking has not opened (or the session was cancelled), so the buttons are switched off and the
 * roster says why. saved: the row a mark has just come back to. lantern.js posts these forms in
 * place and swaps in the row of the same id from the answer. */
static void roster_row(const struct req *r, struct resp *o, int64_t session_id, struct db_stmt *st, bool closed,
		       bool saved)
{
	int64_t booking = db_col_int64(st, 0);
	const char *status = db_col_text(st, 3), *name = db_col_text(st, 1);
	bool present = attendance_present(status), marked = strcmp(status, "booked") != 0;
	htmlf(o, "<li class=\"lantern-roster__item%h\" id=\"booking-%D\" tabindex=\"-1\">"
		 "<span class=\"lantern-roster__name\">%h</span><span class=\"lantern-roster__meta\">%h%h</span> ",
	      present ? " lantern-roster__item--present" : marked ? " lantern-roster__item--absent" : "", booking, name,
	      db_col_text(st, 2), db_col_int(st, 4) ? " (walk-in)" : "");
	html_tag(o, mark_text(r->arena, status, db_col_int(st, 6)), present ? "green" : marked ? "grey" : "blue");
	if (saved)
		html_lit(o, " <span class=\"lantern-roster__saved\">Saved</span>");
	htmlf(o, "<form method=\"post\" action=\"/sessions/%D/roster/%D\" novalidate class=\"lantern-roster__marks\">",
	      session_id, booking);
	html_csrf(r, o);
	/* One tap per person: each mark is its own submit button. */
	for (size_t i = 0; i < ARRAY_LEN(marks); i++) {
		bool current = strcmp(status, marks[i]) == 0;
		htmlf(o, "<button type=\"submit\" name=\"status\" value=\"%h\" aria-pressed=\"%h\" "
			 "class=\"govuk-button%h lantern-roster__action%h\" data-module=\"govuk-button\"",
		      marks[i], current ? "true" : "false", i == 0 ? "" : " govuk-button--secondary",
		      current ? " lantern-roster__action--current" : "");
		if (closed)
			html_lit(o, " disabled aria-disabled=\"true\"");
		/* Left early asks how long they stayed on a page of its own. */
		if (strcmp(marks[i], "partial") == 0)
			html_lit(o, " data-lantern-navigate");
		/* The pressed mark shows a tick as well as its shape, never colour alone. */
		if (current)
			html_lit(o, "><span class=\"lantern-roster__tick\" aria-hidden=\"true\">✓</span");
		htmlf(o, ">%h<span class=\"govuk-visually-hidden\"> %h</span></button>", mark_labels[i], name);
	}
	html_form_end(o);
	html_lit(o, "</li>");
}

static void walk_in_form(const struct req *r, struct resp *o, const struct session *s, const struct form_errors *fe)
{
	html_lit(o, "<h2 class=\"govuk-heading-m\">Add a walk-in</h2><p class=\"govuk-body\">Someone without a booking who "
		    "has come anyway. Give their email; if they are new to lantern, give their name and organisation too.</p>");
	html_form_begin(r, o, arena_printf(r->arena, "/sessions/%lld/walk-in", (long long)s->id));
	html_input(o, fe, &(struct field){.name = "email", .label = "Email address", .type = "email", .value = req_form(r, "email")});
	html_input(o, fe, &(struct field){.name = "name", .label = "Full name (new people only)", .value = req_form(r, "name")});
	const struct option *orgs;
	size_t norgs = ref_org_options(r->db, r->arena, "Choose (new people only)", &orgs);
	html_select(o, fe, &(struct field){.name = "org", .label = "Organisation (new people only)", .value = req_form(r, "org")},
		    orgs, norgs);
	html_button_secondary(o, "Add walk-in");
	html_form_end(o);
}

/* Why the roster's buttons are switched off, if they are: the session was cancelled, or marking has
 * not opened yet (and when it will). Returns whether they are. */
static bool roster_closed(const struct req *r, struct resp *o, const struct session *s)
{
	if (strcmp(s->status, "cancelled") == 0) {
		html_lit(o, "<div class=\"govuk-inset-text\">This session was cancelled, so there is no attendance to "
			    "take.</div>");
		return true;
	}
	if (attendance_open(s, r->user, now_utc()))
		return false;
	char when[80];
	time_human(attendance_opens_at(s), when, sizeof when);
	htmlf(o, "<div class=\"govuk-inset-text lantern-roster__not-open\">You can take attendance from %h, 30 minutes "
		 "before the session starts.%h</div>",
	      when, s->booked > 0 ? " Until then the buttons below are switched off." : "");
	return true;
}

/* A value of the audit trail: a mark, or the minutes of someone who left early. */
static const char *audit_value(struct arena *a, struct db_stmt *st, int col)
{
	const char *v = db_col_text(st, col);
	if (strcmp(db_col_text(st, 3), "minutes") == 0)
		return *v ? arena_printf(a, "%s minutes", v) : "";
	return mark_label(v);
}

static int render_roster(const struct req *r, struct resp *o, const struct session *s, const struct form_errors *fe,
			 int status)
{
	struct page p = {.title = "Attendance", .nav = "/sessions", .errors = fe, .back = arena_printf(r->arena, "/sessions/%lld", (long long)s->id)};
	page_begin(r, o, &p);
	session_heading(o, s, "Attendance");
	const char *done = req_query(r, "done");
	if (done && strcmp(done, "walk-in-booked") == 0)
		html_notice(o, "Marked as attended", "They already had a place (or were on the waiting list), so they were "
						     "marked as attended rather than added twice.");
	else if (done)
		html_notice(o, strcmp(done, "walk-in") == 0 ? "Walk-in added" : "Attendance saved", NULL);
	if (s->school_urn) {
		headcount_form(r, o, s, fe, req_form(r, "pupils_present"));
		page_end(r, o, &p);
		return status;
	}
	htmlf(o, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/sessions/%D/check-in\">Show the check-in QR code</a> · "
		 "<a class=\"govuk-link\" href=\"/sessions/%D/sign-in-sheet\">Print a sign-in sheet</a> · "
		 "<a class=\"govuk-link\" href=\"/sessions/%D/marks\">Enter marks from a paper sheet</a> · "
		 "<a class=\"govuk-link\" href=\"/sessions/%D/attendance.csv\">Download attendance (CSV)</a></p>",
	      s->id, s->id, s->id, s->id);
	bool closed = roster_closed(r, o, s);
	int64_t saved = 0;
	const char *marked = req_query(r, "marked");
	if (marked && !valid_id(marked, &saved))
		saved = 0;
	/* lantern.js marks in place and says what changed in the live region below the list. */
	html_lit(o, "<ul class=\"lantern-roster\" data-module=\"lantern-mark-in-place\">");
	struct db_stmt *st = db_query(r->db, SQL_ROSTER, "I", s->id);
	int n = 0;
	while (db_next(st)) {
		roster_row(r, o, s->id, st, closed, db_col_int64(st, 0) == saved);
		n++;
	}
	db_done(st);
	html_lit(o, "</ul><div class=\"govuk-visually-hidden\" aria-live=\"polite\" data-lantern-roster-status></div>");
	if (n == 0)
		html_lit(o, "<p class=\"govuk-body\">Nobody is booked yet.</p>");
	/* Until marking opens the roster is a list to read: nothing here would be taken yet. A refused
	 * walk-in still shows its form, with the reason beside the field. */
	if (n > 0 && !closed)
		html_post_button(r, o, arena_printf(r->arena, "/sessions/%lld/roster/all", (long long)s->id),
				 "Mark everyone not yet marked as attended", false);
	if (!closed || form_error_for(fe, "email"))
		walk_in_form(r, o, s, fe);

	if (r->user->role == ROLE_ADMIN) {
		html_lit(o, "<h2 class=\"govuk-heading-m\">Changes to attendance</h2>");
		st = db_query(r->db, SQL_AUDIT, "I", s->id);
		int rows = 0;
		while (db_next(st)) {
			static const char *const cols[] = {"When", "Who", "Attendee", "From", "To"};
			if (rows++ == 0)
				html_table_begin(o, NULL, cols, 5);
			char when[80];
			time_human(db_col_int64(st, 0), when, sizeof when);
			htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%h</td>"
				 "<td class=\"govuk-table__cell\">%h</td><td class=\"govuk-table__cell\">%h</td>"
				 "<td class=\"govuk-table__cell\">%h</td><td class=\"govuk-table__cell\">%h</td></tr>",
			      when, db_col_text(st, 1), db_col_text(st, 2), audit_value(r->arena, st, 4), audit_value(r->arena, st, 5));
		}
		db_done(st);
		if (rows)
			html_table_end(o);
		else
			html_lit(o, "<p class=\"govuk-body\">No changes yet.</p>");
	}
	page_end(r, o, &p);
	return status;
}

int attendance_roster_page(const struct req *r, struct resp *o)
{
	struct session s;
	int rc = load_for_staff(r, o, &s);
	return rc ? rc : render_roster(r, o, &s, NULL, 200);
}

static const char SQL_LEFT_EARLY[] = "SELECT u.name, coalesce(b.minutes_attended, 0) FROM bookings b"
				     " JOIN users u ON u.id = b.user_id WHERE b.id = ? AND b.session_id = ?";

/* "Left early" on the roster asks one more thing: how long they were there, which their certificate
 * states. */
static int left_early_page(const struct req *r, struct resp *o, int64_t booking, const struct form_errors *fe, int status)
{
	struct session s;
	int rc = load_for_staff(r, o, &s);
	if (rc)
		return rc;
	struct db_stmt *st = db_query(r->db, SQL_LEFT_EARLY, "II", booking, s.id);
	if (!db_next(st)) {
		db_done(st);
		return route_error(r, o, 404, "There is no such booking.");
	}
	const char *name = arena_strdup(r->arena, db_col_text(st, 0)), *value = req_form(r, "minutes_attended");
	if (value == NULL && db_col_int(st, 1) > 0)
		value = arena_printf(r->arena, "%d", db_col_int(st, 1));
	db_done(st);
	int length = (int)((s.ends_at - s.starts_at) / 60);
	struct page p = {.title = "Left early", .nav = "/sessions", .errors = fe,
			 .back = arena_printf(r->arena, "/sessions/%lld/roster", (long long)s.id)};
	page_begin(r, o, &p);
	session_heading(o, &s, arena_printf(r->arena, "%s left early", name));
	html_form_begin(r, o, r->path);
	html_lit(o, "<input type=\"hidden\" name=\"status\" value=\"partial\">");
	html_input(o, fe,
		   &(struct field){.name = "minutes_attended", .label = arena_printf(r->arena, "How many minutes was %s there?", name),
				   .value = value, .width = "govuk-input--width-4", .inputmode = "numeric",
				   .hint = arena_printf(r->arena, "The session lasts %d minutes (%s). Their certificate states the "
								  "time they were there.",
							length, duration_human(r->arena, length))});
	html_button(o, "Save");
	html_form_end(o);
	page_end(r, o, &p);
	return status;
}

int attendance_mark_post(const struct req *r, struct resp *o)
{
	int64_t session_id, booking;
	if (!valid_id(req_param(r, 0), &session_id) || !valid_id(req_param(r, 1), &booking))
		return route_error(r, o, 404, "There is no such booking.");
	const char *status = req_form(r, "status"), *minutes = req_form(r, "minutes_attended");
	if (status && strcmp(status, "partial") == 0 && minutes == NULL)
		return left_early_page(r, o, booking, NULL, 200);
	struct mark_error e;
	int rc = attendance_mark(r->db, r->arena, r->user, booking, status, minutes, &e);
	if (rc == 422 && e.field && strcmp(e.field, "minutes_attended") == 0) {
		struct form_errors fe = {0};
		form_error(&fe, e.field, e.message);
		return left_early_page(r, o, booking, &fe, 400);
	}
	if (rc)
		return route_error(r, o, rc, e.message);
	return resp_redirect(o, roster_row_href(r->arena, session_id, booking));
}

static const char SQL_UNMARKED[] = "SELECT id FROM bookings WHERE session_id = ? AND status = 'booked'";

int attendance_mark_all_post(const struct req *r, struct resp *o)
{
	struct session s;
	int rc = load_for_staff(r, o, &s);
	if (rc)
		return rc;
	int64_t ids[1024];
	int n = 0;
	struct db_stmt *st = db_query(r->db, SQL_UNMARKED, "I", s.id);
	while (n < 1024 && db_next(st))
		ids[n++] = db_col_int64(st, 0);
	db_done(st);
	for (int i = 0; i < n; i++) {
		struct mark_error e;
		if ((rc = attendance_mark(r->db, r->arena, r->user, ids[i], "attended", NULL, &e)))
			return route_error(r, o, rc, e.message);
	}
	return resp_redirect(o, arena_printf(r->arena, "/sessions/%lld/roster?done=marked", (long long)s.id));
}

static const char SQL_USER_BY_EMAIL[] = "SELECT id FROM users WHERE email = ?";
static const char SQL_LIVE_PLACE[] = "SELECT b.status, u.name FROM bookings b JOIN users u ON u.id = b.user_id"
				     " WHERE b.session_id = ? AND b.user_id = ? AND b.status <> 'cancelled'";

/* The status of the person's place on the session (booked, waitlisted or a mark), with their name in
 * *name; NULL if they have none. */
static const char *live_place(const struct req *r, int64_t session_id, int64_t user_id, const char **name)
{
	struct db_stmt *st = db_query(r->db, SQL_LIVE_PLACE, "II", session_id, user_id);
	const char *status = NULL;
	if (db_next(st)) {
		status = arena_strdup(r->arena, db_col_text(st, 0));
		*name = arena_strdup(r->arena, db_col_text(st, 1));
	}
	db_done(st);
	return status;
}

int attendance_walk_in_post(const struct req *r, struct resp *o)
{
	struct session s;
	int rc = load_for_staff(r, o, &s);
	if (rc)
		return rc;
	struct form_errors fe = {0};
	const char *email = req_form(r, "email"), *name = req_form(r, "name"), *org = req_form(r, "org");
	if (email == NULL || *email == '\0' || !valid_email(email)) {
		form_error(&fe, "email", email == NULL || *email == '\0'
						 ? "Enter the walk-in's email address"
						 : "Enter an email address in the correct format, like name@example.com");
		return render_roster(r, o, &s, &fe, 400);
	}
	int64_t user_id = db_int(r->db, 0, SQL_USER_BY_EMAIL, "s", email);
	const char *who = NULL, *was = user_id ? live_place(r, s.id, user_id, &who) : NULL;
	if (was && attendance_present(was)) {
		form_error(&fe, "email", arena_printf(r->arena, "%s is already on the roster, marked as %s", who,
						      mark_label(was)));
		return render_roster(r, o, &s, &fe, 409);
	}
	if (user_id == 0) {
		/* New to lantern: an account without a password, which an admin can complete later. */
		struct user_input in = {.email = email, .name = name, .role = "practitioner", .org = org, .no_password = true};
		if (name == NULL || *name == '\0')
			form_error(&fe, "name", "Enter the name of someone new to lantern");
		if (org == NULL || *org == '\0')
			form_error(&fe, "org", "Choose the organisation of someone new to lantern");
		if (fe.n == 0)
			user_id = users_save(r->db, r->user->id, 0, &in, &fe);
		if (user_id == 0)
			return render_roster(r, o, &s, &fe, 400);
	}
	const char *error = NULL;
	if (attendance_walk_in(r->db, r->arena, r->user, s.id, user_id, &error) == 0) {
		form_error(&fe, "email", error);
		return render_roster(r, o, &s, &fe, 409);
	}
	/* Someone booked or waiting who came is marked, not added a second time (attendance_walk_in). */
	return resp_redirect(o, arena_printf(r->arena, "/sessions/%lld/roster?done=%s", (long long)s.id,
					     was ? "walk-in-booked" : "walk-in"));
}

/* The paper sheet for venues without signal: names printed, a column to sign. */
int attendance_sheet_page(const struct req *r, struct resp *o)
{
	struct session s;
	int rc = load_for_staff(r, o, &s);
	if (rc)
		return rc;
	struct page p = {.title = "Sign-in sheet", .wide = true};
	page_begin(r, o, &p);
	session_heading(o, &s, "Sign-in sheet");
	static const char *const cols[] = {"Name", "Organisation", "Signature"};
	html_lit(o, "<div class=\"lantern-sign-in-sheet\">");
	html_table_begin(o, NULL, cols, ARRAY_LEN(cols));
	struct db_stmt *st = db_query(r->db, SQL_ROSTER, "I", s.id);
	while (db_next(st))
		htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%h</td>"
			 "<td class=\"govuk-table__cell\">%h</td><td class=\"govuk-table__cell\"></td></tr>",
		      db_col_text(st, 1), db_col_text(st, 2));
	db_done(st);
	/* Blank rows for walk-ins. */
	for (int i = 0; i < 8; i++)
		html_lit(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">&nbsp;</td>"
			    "<td class=\"govuk-table__cell\"></td><td class=\"govuk-table__cell\"></td></tr>");
	html_table_end(o);
	html_lit(o, "</div><p class=\"govuk-body lantern-no-print\">Print this page (Ctrl+P). Afterwards, "
		    "enter the marks on the roster.</p>");
	page_end(r, o, &p);
	return 200;
}

int attendance_csv(const struct req *r, struct resp *o)
{
	struct session s;
	int rc = load_for_staff(r, o, &s);
	if (rc)
		return rc;
	struct buf b = {0};
	static const char *const header[] = {"booking", "name", "email", "organisation", "status", "walk_in",
					     "minutes_attended"};
	csv_write_row(&b, header, 7);
	struct db_stmt *st = db_query(r->db, SQL_ROSTER, "I", s.id);
	while (db_next(st)) {
		const char *status = db_col_text(st, 3);
		const char *row[] = {arena_printf(r->arena, "%lld", (long long)db_col_int64(st, 0)), db_col_text(st, 1),
				     db_col_text(st, 5), db_col_text(st, 2),
				     strcmp(status, "booked") == 0 ? "not-marked" : status, db_col_int(st, 4) ? "yes" : "no",
				     db_col_int(st, 6) ? arena_printf(r->arena, "%d", db_col_int(st, 6)) : ""};
		csv_write_row(&b, row, 7);
	}
	db_done(st);
	resp_header(o, "Content-Disposition", arena_printf(r->arena, "attachment; filename=\"session-%lld-attendance.csv\"", (long long)s.id));
	rc = resp_text(o, 200, "text/csv; charset=utf-8", b.data, b.len);
	buf_free(&b);
	return rc;
}

/* Entering a whole paper sheet at once: one group of radios per person, and the minutes of anyone
 * who left early. With fe, the marks and minutes as sent. */
static int render_marks(const struct req *r, struct resp *o, const struct session *s, const struct form_errors *fe,
			int status)
{
	struct page p = {.title = "Enter marks from a sign-in sheet", .nav = "/sessions", .errors = fe,
			 .back = arena_printf(r->arena, "/sessions/%lld/roster", (long long)s->id)};
	page_begin(r, o, &p);
	session_heading(o, s, "Enter marks from a sign-in sheet");
	html_form_begin(r, o, arena_printf(r->arena, "/sessions/%lld/marks", (long long)s->id));
	struct option opts[ARRAY_LEN(marks)];
	for (size_t i = 0; i < ARRAY_LEN(marks); i++)
		opts[i] = (struct option){marks[i], mark_labels[i]};
	struct db_stmt *st = db_query(r->db, SQL_ROSTER, "I", s->id);
	while (db_next(st)) {
		int64_t booking = db_col_int64(st, 0);
		const char *name = arena_printf(r->arena, "mark-%lld", (long long)booking);
		const char *minutes = arena_printf(r->arena, "minutes-%lld", (long long)booking);
		const char *person = arena_printf(r->arena, "%s, %s", db_col_text(st, 1), db_col_text(st, 2));
		html_radios(o, fe,
			    &(struct field){.name = name, .label = person,
					    .value = fe ? req_form(r, name) : arena_strdup(r->arena, db_col_text(st, 3))},
			    opts, ARRAY_LEN(opts));
		html_input(o, fe,
			   &(struct field){.name = minutes, .label = arena_printf(r->arena, "Minutes %s was there, if they left early", db_col_text(st, 1)),
					   .value = fe ? req_form(r, minutes)
						: db_col_int(st, 6) ? arena_printf(r->arena, "%d", db_col_int(st, 6)) : NULL,
					   .width = "govuk-input--width-4", .inputmode = "numeric"});
	}
	db_done(st);
	html_button(o, "Save all marks");
	html_form_end(o);
	page_end(r, o, &p);
	return status;
}

int attendance_marks_page(const struct req *r, struct resp *o)
{
	struct session s;
	int rc = load_for_staff(r, o, &s);
	return rc ? rc : render_marks(r, o, &s, NULL, 200);
}

/* The minutes sent for a mark of the sheet: only someone who left early has them. */
static const char *sheet_minutes(const struct req *r, const char *key, const char *status)
{
	return strcmp(status, "partial") == 0 ? req_form(r, arena_printf(r->arena, "minutes-%s", key + 5)) : NULL;
}

int attendance_marks_post(const struct req *r, struct resp *o)
{
	struct session s;
	int rc = load_for_staff(r, o, &s);
	if (rc)
		return rc;
	/* Every left-early time is checked before any mark is saved, so a slip means nothing half-entered. */
	struct form_errors fe = {0};
	for (size_t i = 0; i < r->form.n; i++) {
		const char *key = r->form.items[i].key, *status = r->form.items[i].value, *why;
		long long mins;
		if (str_starts(key, "mark-") && attendance_status_valid(status) &&
		    !minutes_valid(r->arena, &s, status, sheet_minutes(r, key, status), &mins, &why))
			form_error(&fe, arena_printf(r->arena, "minutes-%s", key + 5), why);
	}
	if (fe.n)
		return render_marks(r, o, &s, &fe, 400);
	for (size_t i = 0; i < r->form.n; i++) {
		const char *key = r->form.items[i].key, *status = r->form.items[i].value;
		int64_t booking;
		if (!str_starts(key, "mark-") || !valid_id(key + 5, &booking))
			continue;
		struct mark_error e;
		/* A booking of another session is refused by the check that the actor trains it. */
		rc = attendance_mark(r->db, r->arena, r->user, booking, status,
				     attendance_status_valid(status) ? sheet_minutes(r, key, status) : NULL, &e);
		if (rc)
			return route_error(r, o, rc, e.message);
	}
	return resp_redirect(o, arena_printf(r->arena, "/sessions/%lld/roster?done=marked", (long long)s.id));
}

static const char SQL_SET_PRESENT[] = "UPDATE sessions SET pupils_present = ? WHERE id = ?";

/* Records a pupil session's head-count and, for a Risk Avert module, the delivery it stands for:
 * both in one transaction, through deliveries_record (the one path every delivery takes). */
static int headcount(const struct req *r, const struct session *s, const char *value, const char **error)
{
	long long n;
	if (s->school_urn == NULL) {
		*error = "Head-counts are for pupil sessions; practitioners are marked on the roster.";
		return 409;
	}
	if (strcmp(s->status, "cancelled") == 0 || (r->user->role != ROLE_ADMIN && now_utc() < s->starts_at)) {
		*error = "A head-count can be recorded once the session has started.";
		return 409;
	}
	if (!valid_int(value, 0, 2000, &n)) {
		*error = "Enter the number of pupils present, from 0 to 2000.";
		return 422;
	}
	if (db_begin(r->db) != DB_OK) {
		*error = "The service is busy; try again.";
		return 503;
	}
	int64_t old = db_int(r->db, -1, SQL_PUPILS_PRESENT, "I", s->id);
	db_exec(r->db, SQL_SET_PRESENT, "iI", (int)n, s->id);
	audit(r->db, r->user->id, "headcount", arena_printf(r->arena, "%lld", (long long)s->id), "set",
	      old >= 0 ? arena_printf(r->arena, "%lld", (long long)old) : NULL, value);
	if (strcmp(s->course_id, DELIVERIES_COURSE) == 0 && s->module_id && s->year_group) {
		char day[32];
		time_iso_local(s->starts_at, day);
		day[10] = '\0';
		struct delivery_input in = {.urn = s->school_urn, .module = s->module_id,
					    .year_group = arena_printf(r->arena, "%d", s->year_group), .delivered_on = day,
					    .pupils_reached = value, .session_id = s->id, .in_transaction = true};
		struct form_errors fe = {0};
		if (deliveries_record(r->db, r->user, &in, &fe) == 0) {
			db_rollback(r->db);
			*error = fe.n ? arena_strdup(r->arena, fe.e[0].message) : "The delivery could not be recorded; try again.";
			return fe.n ? 422 : 503;
		}
	}
	if (db_commit(r->db) != DB_OK) {
		*error = "The service is busy; try again.";
		return 503;
	}
	return 0;
}

int attendance_headcount_post(const struct req *r, struct resp *o)
{
	struct session s;
	int rc = load_for_staff(r, o, &s);
	if (rc)
		return rc;
	const char *error = NULL;
	if ((rc = headcount(r, &s, req_form(r, "pupils_present"), &error))) {
		struct form_errors fe = {0};
		form_error(&fe, "pupils_present", error);
		return render_roster(r, o, &s, &fe, rc);
	}
	return resp_redirect(o, arena_printf(r->arena, "/sessions/%lld/roster?done=headcount", (long long)s.id));
}

int attendance_api_headcount(const struct req *r, struct resp *o)
{
	struct session s;
	int rc = load_for_staff(r, o, &s);
	if (rc)
		return rc;
	const char *error = NULL;
	if ((rc = headcount(r, &s, req_field(r, "pupils_present"), &error)))
		return resp_error(o, rc, error, "pupils_present");
	return resp_json(o, 200, json_pack("{s:I, s:I}", "session", (json_int_t)s.id, "pupils_present",
					   (json_int_t)db_int(r->db, 0, SQL_PUPILS_PRESENT, "I", s.id)));
}

static const char SQL_MINUTES[] = "SELECT coalesce(minutes_attended, 0) FROM bookings WHERE id = ?";

int attendance_api_mark(const struct req *r, struct resp *o)
{
	int64_t booking;
	if (!valid_id(req_param(r, 0), &booking))
		return resp_error(o, 404, "There is no such booking.", NULL);
	const char *status = req_field(r, "status");
	struct mark_error e;
	int rc = attendance_mark(r->db, r->arena, r->user, booking, status, req_field(r, "minutes_attended"), &e);
	if (rc)
		return resp_error(o, rc, e.message, e.field);
	int64_t minutes = db_int(r->db, 0, SQL_MINUTES, "I", booking);
	return resp_json(o, 200, json_pack("{s:I, s:s, s:o}", "id", (json_int_t)booking, "status", status, "minutes_attended",
					   minutes ? json_integer(minutes) : json_null()));
}

int attendance_api_walk_in(const struct req *r, struct resp *o)
{
	struct session s;
	int rc = load_for_staff(r, o, &s);
	if (rc)
		return rc;
	const char *email = req_field(r, "email");
	int64_t user_id = valid_email(email) ? db_int(r->db, 0, SQL_USER_BY_EMAIL, "s", email) : 0;
	if (user_id == 0) {
		/* Someone new: the same path as the roster's form, an account without a password. */
		struct user_input in = {.email = email, .name = req_field(r, "name"), .role = "practitioner",
					.org = req_field(r, "org"), .no_password = true};
		struct form_errors fe = {0};
		user_id = users_save(r->db, r->user->id, 0, &in, &fe);
		if (user_id == 0)
			return resp_error(o, 422, fe.n ? fe.e[0].message : "The walk-in could not be added.",
					  fe.n ? fe.e[0].field : NULL);
	}
	const char *error = NULL;
	int64_t booking = attendance_walk_in(r->db, r->arena, r->user, s.id, user_id, &error);
	if (booking == 0)
		return resp_error(o, 409, error, NULL);
	return resp_json(o, 201, json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)booking, "session", (json_int_t)s.id,
					   "email", email, "status", "attended"));
}
