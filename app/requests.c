/* requests.c — school requests for pupil sessions. A school lead asks; an admin or trainer confirms
 * with a date, venue and trainer, which creates the session through sessions_save (the same rules
 * as any other session), or declines with a reason. Either decision is written together with the
 * school's notification in the outbox, so the school is told exactly when it happened. */
#include "requests.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "catalog.h"
#include "db.h"
#include "outbox.h"
#include "session_pages.h"
#include "sessions.h"
#include "site.h"
#include "valid.h"
#include "venue_pages.h"

struct request {
	int64_t id;
	const char *school_urn, *school_name;
	const char *requester_email, *requester_name;
	const char *course_id, *module_id;
	int year_group, pupils_expected;
	const char *preferred_dates, *notes, *status;
	int64_t session_id, created_at, decided_at;
};

#define REQUEST_SELECT                                                                                               \
	"SELECT r.id, r.school_urn, st.name, u.email, u.name, r.course_id, r.module_id, r.year_group,"                 \
	" r.pupils_expected, r.preferred_dates, r.notes, r.status, coalesce(r.session_id, 0), r.created_at,"          \
	" coalesce(r.decided_at, 0) FROM session_requests r JOIN settings st ON st.urn = r.school_urn"                \
	" JOIN users u ON u.id = r.requested_by"

static const char SQL_REQUEST[] = REQUEST_SELECT " WHERE r.id = ?";
/* Open requests first, oldest first (first asked, first answered); then decisions, latest first. */
static const char SQL_REQUESTS[] = REQUEST_SELECT " WHERE (?1 IS NULL OR r.school_urn = ?1)"
						  " ORDER BY r.status <> 'open', CASE WHEN r.status = 'open' THEN"
						  " r.created_at ELSE -coalesce(r.decided_at, r.created_at) END, r.id"
						  " LIMIT 500";
static const char SQL_REQUEST_NEW[] =
	"INSERT INTO session_requests (school_urn, requested_by, course_id, module_id, year_group, pupils_expected,"
	" preferred_dates, notes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_REQUEST_CONFIRM[] = "UPDATE session_requests SET status = 'confirmed', session_id = ?,"
					  " decided_at = ?, decided_by = ? WHERE id = ? AND status = 'open'";
static const char SQL_REQUEST_DECLINE[] = "UPDATE session_requests SET status = 'declined', decided_at = ?,"
					  " decided_by = ? WHERE id = ? AND status = 'open'";
static const char SQL_SCHOOL_AREA[] = "SELECT area FROM settings WHERE urn = ?";
static const char SQL_DROP_TRAINERS[] = "DELETE FROM session_trainers WHERE session_id = ?";
static const char SQL_DROP_SESSION[] = "DELETE FROM sessions WHERE id = ?1 AND NOT EXISTS"
				       " (SELECT 1 FROM bookings WHERE session_id = ?1)";

/* Rows come from the statement; text is copied into the arena because the row dies on the next step. */
static void request_row(struct db_stmt *st, struct arena *a, struct request *rq)
{
	int c = 0;
	rq->id = db_col_int64(st, c++);
	rq->school_urn = arena_strdup(a, db_col_text(st, c++));
	rq->school_name = arena_strdup(a, db_col_text(st, c++));
	rq->requester_email = arena_strdup(a, db_col_text(st, c++));
	rq->requester_name = arena_strdup(a, db_col_text(st, c++));
	rq->course_id = arena_strdup(a, db_col_text(st, c++));
	rq->module_id = arena_strdup(a, db_col_text(st, c++));
	rq->year_group = db_col_int(st, c++);
	rq->pupils_expected = db_col_int(st, c++);
	rq->preferred_dates = arena_strdup(a, db_col_text(st, c++));
	rq->notes = arena_strdup(a, db_col_text(st, c++));
	rq->status = arena_strdup(a, db_col_text(st, c++));
	rq->session_id = db_col_int64(st, c++);
	rq->created_at = db_col_int64(st, c++);
	rq->decided_at = db_col_int64(st, c++);
}

static bool load_param(const struct req *r, struct request *rq)
{
	int64_t id;
	if (!valid_id(req_param(r, 0), &id))
		return false;
	struct db_stmt *st = db_query(r->db, SQL_REQUEST, "I", id);
	bool found = db_next(st);
	if (found)
		request_row(st, r->arena, rq);
	db_done(st);
	return found;
}

/* "Risk Avert: healthy relationships in schools: Consent, boundaries and life online" */
static const char *request_heading(struct arena *a, const struct request *rq)
{
	const struct course *c = catalog_course(rq->course_id);
	if (c == NULL)
		return rq->course_id;
	const struct module *m = catalog_module(c, rq->module_id);
	return m ? arena_printf(a, "%s: %s", c->title, m->title) : c->title;
}

static bool requestable(const struct course *c)
{
	return c && (strcmp(c->audience, "pupils") == 0 || strcmp(c->audience, "parents") == 0);
}

/* ---- recording a request ---- */

/* The course a module belongs to, so a school may name just the module. */
static const struct course *course_of_module(const char *module)
{
	const struct catalog *cat = catalog_get();
	for (int i = 0; module && i < cat->ncourses; i++)
		if (catalog_module(&cat->courses[i], module))
			return &cat->courses[i];
	return NULL;
}

int64_t requests_save(struct db *db, const struct user *u, const struct request_input *in, struct form_errors *fe)
{
	const char *module = in->module && *in->module ? in->module : NULL;
	const struct course *c = in->course && *in->course ? catalog_course(in->course) : course_of_module(module);
	const struct module *m = NULL;
	if (!requestable(c))
		form_error(fe, "course", "Choose a programme for pupils or parents");
	else if (module && (m = catalog_module(c, module)) == NULL)
		form_error(fe, "module", "Choose one of this programme's modules");
	long long year = 0, pupils = 0;
	if (!valid_int(in->year_group, 7, 13, &year))
		form_error(fe, "year_group", "Choose a year group from 7 to 13");
	else if (m && !module_suits(m, (int)year))
		form_error(fe, "module", "This module is not for that year group");
	if (!valid_int(in->pupils_expected, 1, 2000, &pupils))
		form_error(fe, "pupils_expected", "Enter the number of pupils expected, from 1 to 2000");
	if (!valid_text(in->preferred_dates, 500, true))
		form_error(fe, "preferred_dates", "Say which dates or weeks would suit you, in up to 500 characters");
	const char *notes = in->notes && *in->notes ? in->notes : NULL;
	if (notes && !valid_text(notes, 2000, true))
		form_error(fe, "notes", "Notes must be up to 2000 characters");
	if (u->school_urn == NULL)
		form_error(fe, "school", "Your account is not linked to a school; ask the programme team");
	if (fe->n)
		return 0;
	if (db_begin(db) != DB_OK)
		return 0;
	if (db_exec(db, SQL_REQUEST_NEW, "sIssiissI", u->school_urn, u->id, c->id, m ? m->id : NULL, (int)year,
		    (int)pupils, in->preferred_dates, notes, now_utc()) != DB_OK) {
		db_rollback(db);
		return 0;
	}
	int64_t id = db_last_id(db);
	char idtext[24];
	snprintf(idtext, sizeof idtext, "%lld", (long long)id);
	audit(db, u->id, "session_request", idtext, "create", NULL, c->id);
	return db_commit(db) == DB_OK ? id : 0;
}

static struct request_input input_from(const struct req *r)
{
	return (struct request_input){.course = req_field(r, "course"),
				      .module = req_field(r, "module"),
				      .year_group = req_field(r, "year_group"),
				      .pupils_expected = req_field(r, "pupils_expected"),
				      .preferred_dates = req_field(r, "preferred_dates"),
				      .notes = req_field(r, "notes")};
}

/* ---- deciding: confirm or decline, each with its notification in the same transaction ---- */

static int notify_school(struct db *db, const struct request *rq, const char *subject, const char *body,
			 const struct session *s)
{
	struct outbox_message m = {.to = rq->requester_email,
				   .subject = subject,
				   .body = body,
				   .calendar_session = s ? s->id : 0,
				   .calendar_status = s ? "confirmed" : NULL,
				   .calendar_title = s ? session_title(s, true) : NULL};
	return outbox_put(db, &m);
}

static const char *confirmed_body(struct arena *a, const struct request *rq, const struct session *s)
{
	char when[80];
	time_human(s->starts_at, when, sizeof when);
	struct buf trainers = {0};
	for (int i = 0; i < s->ntrainers; i++)
		buf_printf(&trainers, "%s%s", i ? ", " : "", s->trainer_names[i]);
	const char *body = arena_printf(a,
					"Your request for %s for Year %d has been confirmed.\n\n"
					"When: %s\nWhere: %s%s%s\n%s\n%s\nTrainer: %s\nPupils expected: %d\n\n"
					"The session in lantern: %s/sessions/%lld",
					request_heading(a, rq), rq->year_group, when, s->venue_name,
					s->venue_room ? ", " : "", s->venue_room ? s->venue_room : "", s->venue_address,
					s->venue_postcode, trainers.data ? trainers.data : "", rq->pupils_expected,
					site_base_url(), (long long)s->id);
	buf_free(&trainers);
	return body;
}

/* Removes a session made for a request that turned out to be decided already; nobody can have
 * booked it (pupil sessions are not booked), and the check makes sure. */
static void drop_session(struct db *db, int64_t sid)
{
	if (db_exec(db, SQL_DROP_TRAINERS, "I", sid) != DB_OK || db_exec(db, SQL_DROP_SESSION, "I", sid) != DB_OK)
		log_error("could not remove session %lld made for a decided request", (long long)sid);
}

/* Marks the request confirmed and queues the school's notification, atomically. 0, or the
 * status to answer. */
static int mark_confirmed(const struct req *r, const struct request *rq, int64_t sid)
{
	struct db *db = r->db;
	struct session s;
	if (!sessions_load(db, r->arena, sid, &s))
		return 500;
	if (db_begin(db) != DB_OK)
		return 503;
	int status = 0;
	if (db_exec(db, SQL_REQUEST_CONFIRM, "IIII", sid, now_utc(), r->user->id, rq->id) != DB_OK)
		status = 500;
	else if (db_changes(db) == 0)
		status = 409; /* someone else decided it while this session was being made */
	else if (notify_school(db, rq,
			       arena_printf(r->arena, "Session confirmed: %s, Year %d", request_heading(r->arena, rq),
					    rq->year_group),
			       confirmed_body(r->arena, rq, &s), &s) != 0)
		status = 500;
	if (status == 0) {
		const char *id = arena_printf(r->arena, "%lld", (long long)rq->id);
		audit(db, r->user->id, "session_request", id, "confirm", "open",
		      arena_printf(r->arena, "session %lld", (long long)sid));
		if (db_commit(db) == DB_OK)
			return 0;
		status = 503;
	}
	db_rollback(db);
	drop_session(db, sid);
	return status;
}

/* Creates the pupil session for an open request from the date, venue and trainers in `in`, then
 * marks the request confirmed. Returns the session id, or 0 with *http and (for 422) fe set. */
static int64_t confirm(const struct req *r, const struct request *rq, struct session_input *in,
		       struct form_errors *fe, int *http)
{
	struct arena *a = r->arena;
	if (strcmp(rq->status, "open") != 0) {
		*http = 409;
		return 0;
	}
	/* What the school asked for is not the confirmer's to change here. */
	in->course = rq->course_id;
	in->module = rq->module_id ? rq->module_id : "";
	in->school = rq->school_urn;
	in->year_group = arena_printf(a, "%d", rq->year_group);
	in->pupils_expected = arena_printf(a, "%d", rq->pupils_expected);
	if (in->capacity == NULL || *in->capacity == '\0')
		in->capacity = arena_printf(a, "%d", rq->pupils_expected > 1000 ? 1000 : rq->pupils_expected);
	/* Sessions for parents are not pupil sessions, so they need an area: the school's. */
	if (in->area == NULL || *in->area == '\0') {
		struct db_stmt *st = db_query(r->db, SQL_SCHOOL_AREA, "s", rq->school_urn);
		if (db_next(st))
			in->area = arena_strdup(a, db_col_text(st, 0));
		db_done(st);
	}
	int64_t sid = sessions_save(r->db, a, r->user, 0, in, fe);
	if (sid == 0) {
		*http = fe->n ? 422 : 500;
		return 0;
	}
	*http = mark_confirmed(r, rq, sid);
	return *http ? 0 : sid;
}

static const char *confirm_failure(int http)
{
	switch (http) {
	case 409: return "This request has already been confirmed or declined.";
	case 503: return "The service is busy; try again in a moment.";
	default: return "The request could not be confirmed.";
	}
}

/* Declines an open request with a reason the school is sent. 200, or the status to answer. */
static int decline(const struct req *r, const struct request *rq, const char *reason, struct form_errors *fe)
{
	struct db *db = r->db;
	struct arena *a = r->arena;
	if (!valid_text(reason, 1000, true)) {
		form_error(fe, "reason", "Say why the request is declined, in up to 1000 characters");
		return 422;
	}
	if (strcmp(rq->status, "open") != 0)
		return 409;
	if (db_begin(db) != DB_OK)
		return 503;
	int status = 200;
	if (db_exec(db, SQL_REQUEST_DECLINE, "III", now_utc(), r->user->id, rq->id) != DB_OK)
		status = 500;
	else if (db_changes(db) == 0)
		status = 409;
	else if (notify_school(db, rq, arena_printf(a, "Session request declined: %s", request_heading(a, rq)),
			       arena_printf(a,
					    "We are sorry: we cannot deliver the session you asked for (%s for Year %d, "
					    "%d pupils).\n\nReason: %s\n\nYou can make a new request in lantern: %s/requests/new",
					    request_heading(a, rq), rq->year_group, rq->pupils_expected, reason,
					    site_base_url()),
			       NULL) != 0)
		status = 500;
	if (status == 200) {
		audit(db, r->user->id, "session_request", arena_printf(a, "%lld", (long long)rq->id), "decline", "open",
		      reason);
		if (db_commit(db) == DB_OK)
			return 200;
		status = 503;
	}
	db_rollback(db);
	return status;
}

/* ---- web pages ---- */

static const struct option year_options[] = {{"", "Choose"},        {"7", "Year 7"},   {"8", "Year 8"},
					     {"9", "Year 9"},        {"10", "Year 10"}, {"11", "Year 11"},
					     {"12", "Year 12"},      {"13", "Year 13"}};

static void status_tag(struct resp *o, const char *status)
{
	if (strcmp(status, "open") == 0)
		html_tag(o, "Waiting for a decision", "yellow");
	else if (strcmp(status, "confirmed") == 0)
		html_tag(o, "Confirmed", "green");
	else
		html_tag(o, "Declined", "red");
}

static void list_notice(const struct req *r, struct resp *o)
{
	const char *done = req_query(r, "done");
	if (done && strcmp(done, "requested") == 0)
		html_notice(o, "Your request has been sent",
			    "The programme team will confirm a date with you by email, or tell you if they cannot.");
	if (done && strcmp(done, "declined") == 0)
		html_notice(o, "The request has been declined", "The school has been told by email.");
}

int requests_list_page(const struct req *r, struct resp *o)
{
	const struct user *u = r->user;
	bool school = u->role == ROLE_SCHOOL;
	struct page p = {.title = "School requests", .nav = "/requests", .wide = true};
	page_begin(r, o, &p);
	htmlf(o, "<h1 class=\"govuk-heading-l\">%h</h1>", school ? "Your school's session requests" : "School requests");
	list_notice(r, o);
	if (school)
		html_lit(o, "<a href=\"/requests/new\" role=\"button\" draggable=\"false\" class=\"govuk-button\" "
			    "data-module=\"govuk-button\">Request a session</a>");
	struct db_stmt *st = db_query(r->db, SQL_REQUESTS, "s", school ? u->school_urn : NULL);
	int n = 0;
	while (db_next(st)) {
		struct request rq;
		request_row(st, r->arena, &rq);
		static const char *const cols[] = {"School", "Session", "Preferred dates", "Asked", "Status"};
		if (n++ == 0)
			html_table_begin(o, NULL, cols, ARRAY_LEN(cols));
		char asked[40];
		date_human(rq.created_at, asked, sizeof asked);
		htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%h</td>"
			 "<td class=\"govuk-table__cell\">%h<br><span class=\"govuk-hint\">Year %d, %d pupils</span></td>"
			 "<td class=\"govuk-table__cell\">%h</td><td class=\"govuk-table__cell\">%h</td>"
			 "<td class=\"govuk-table__cell\">",
		      rq.school_name, request_heading(r->arena, &rq), rq.year_group, rq.pupils_expected,
		      rq.preferred_dates, asked);
		status_tag(o, rq.status);
		if (rq.session_id)
			htmlf(o, "<br><a class=\"govuk-link\" href=\"/sessions/%D\">View the session</a>", rq.session_id);
		else if (!school && strcmp(rq.status, "open") == 0)
			htmlf(o, "<br><a class=\"govuk-link\" href=\"/requests/%D/confirm\">Confirm or decline"
				 "<span class=\"govuk-visually-hidden\"> the request from %h</span></a>",
			      rq.id, rq.school_name);
		html_lit(o, "</td></tr>");
	}
	db_done(st);
	if (n)
		html_table_end(o);
	else
		html_lit(o, "<p class=\"govuk-body\">There are no requests yet.</p>");
	page_end(r, o, &p);
	return 200;
}

/* Programmes a school can ask for: pupils' and parents'. */
static size_t course_options(struct arena *a, const struct option **out)
{
	const struct catalog *cat = catalog_get();
	struct option *opts = arena_alloc(a, (size_t)(cat->ncourses + 1) * sizeof *opts);
	size_t n = 0;
	opts[n++] = (struct option){"", "Choose a programme"};
	for (int i = 0; i < cat->ncourses; i++)
		if (requestable(&cat->courses[i]))
			opts[n++] = (struct option){cat->courses[i].id, cat->courses[i].title};
	*out = opts;
	return n;
}


static int render_new(const struct req *r, struct resp *o, const struct request_input *v, const struct form_errors *fe,
		      int status)
{
	struct page p = {.title = "Request a session", .nav = "/requests", .errors = fe, .back = "/requests"};
	page_begin(r, o, &p);
	html_lit(o, "<h1 class=\"govuk-heading-l\">Request a session</h1><p class=\"govuk-body\">Ask the programme team "
		    "to deliver a session in your school. They will confirm a date, venue and trainer with you.</p>");
	html_form_begin(r, o, "/requests/new");
	const struct option *opts;
	size_t n = course_options(r->arena, &opts);
	html_select(o, fe, &(struct field){.name = "course", .label = "Programme", .value = v->course}, opts, n);
	n = session_module_options(r->arena, "No particular module: the team will advise", &opts);
	html_select(o, fe,
		    &(struct field){.name = "module", .label = "Module (optional)", .value = v->module,
				    .hint = "For Risk Avert, the module you would like delivered"},
		    opts, n);
	html_select(o, fe, &(struct field){.name = "year_group", .label = "Year group", .value = v->year_group},
		    year_options, ARRAY_LEN(year_options));
	html_input(o, fe, &(struct field){.name = "pupils_expected", .label = "Pupils expected", .value = v->pupils_expected,
					  .width = "govuk-input--width-4", .inputmode = "numeric"});
	html_textarea(o, fe,
		      &(struct field){.name = "preferred_dates", .label = "Preferred dates", .value = v->preferred_dates,
				      .hint = "For example: any Tuesday or Wednesday morning in March, but not 17 March"});
	html_textarea(o, fe, &(struct field){.name = "notes", .label = "Notes (optional)", .value = v->notes,
					     .hint = "Anything the trainer should know, such as pupils' needs or the room"});
	html_button(o, "Send the request");
	html_form_end(o);
	page_end(r, o, &p);
	return status;
}

int requests_new_page(const struct req *r, struct resp *o)
{
	return render_new(r, o, &(struct request_input){0}, NULL, 200);
}

int requests_create(const struct req *r, struct resp *o)
{
	struct request_input in = input_from(r);
	struct form_errors fe = {0};
	if (requests_save(r->db, r->user, &in, &fe) == 0) {
		if (fe.n == 0)
			return page_error(r, o, 500, "Sorry, there is a problem with the service", "Try again later.");
		return render_new(r, o, &in, &fe, 400);
	}
	return resp_redirect(o, "/requests?done=requested");
}

static void summary_row(struct resp *o, const char *key, const char *value)
{
	htmlf(o, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">%h</dt>"
		 "<dd class=\"govuk-summary-list__value\">%h</dd></div>",
	      key, value);
}

static void request_summary(const struct req *r, struct resp *o, const struct request *rq)
{
	struct arena *a = r->arena;
	char asked[40];
	date_human(rq->created_at, asked, sizeof asked);
	html_lit(o, "<dl class=\"govuk-summary-list\">");
	summary_row(o, "School", arena_printf(a, "%s (URN %s)", rq->school_name, rq->school_urn));
	summary_row(o, "Asked by", arena_printf(a, "%s, %s", rq->requester_name, rq->requester_email));
	summary_row(o, "Asked on", asked);
	summary_row(o, "Session", request_heading(a, rq));
	summary_row(o, "Year group", arena_printf(a, "Year %d", rq->year_group));
	summary_row(o, "Pupils expected", arena_printf(a, "%d", rq->pupils_expected));
	summary_row(o, "Preferred dates", rq->preferred_dates);
	if (rq->notes)
		summary_row(o, "Notes", rq->notes);
	html_lit(o, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Status</dt>"
		    "<dd class=\"govuk-summary-list__value\">");
	status_tag(o, rq->status);
	html_lit(o, "</dd></div></dl>");
}

/* The date, venue and trainers that turn the request into a session. */
static void confirm_form(const struct req *r, struct resp *o, const struct request *rq, const struct session_input *v,
			 const struct form_errors *fe)
{
	html_lit(o, "<h2 class=\"govuk-heading-m\">Confirm a date</h2>");
	html_form_begin(r, o, arena_printf(r->arena, "/requests/%lld/confirm", (long long)rq->id));
	html_input(o, fe, &(struct field){.name = "starts_at", .label = "Starts", .value = v->starts_at,
					  .type = "datetime-local", .hint = "UK time, for example 2026-03-05 09:30",
					  .width = "govuk-input--width-20"});
	html_input(o, fe, &(struct field){.name = "ends_at", .label = "Ends", .value = v->ends_at, .type = "datetime-local",
					  .width = "govuk-input--width-20"});
	html_input(o, fe, &(struct field){.name = "capacity", .label = "Places (optional)", .value = v->capacity,
					  .hint = "Leave blank for the number of pupils expected",
					  .width = "govuk-input--width-4", .inputmode = "numeric"});
	venue_choice_fields(r, o, v, fe, false); /* a pupil session is in the school's area */
	html_input(o, fe, &(struct field){.name = "venue_room", .label = "Room (optional)", .value = v->venue_room});
	session_trainer_checkboxes(r, o, fe, v->trainers);
	html_button(o, "Confirm and create the session");
	html_form_end(o);
}

static void decline_form(const struct req *r, struct resp *o, const struct request *rq, const char *reason,
			 const struct form_errors *fe)
{
	html_lit(o, "<h2 class=\"govuk-heading-m\">Decline the request</h2>");
	html_form_begin(r, o, arena_printf(r->arena, "/requests/%lld/decline", (long long)rq->id));
	html_textarea(o, fe, &(struct field){.name = "reason", .label = "Why it cannot be delivered", .value = reason,
					     .hint = "The school is sent this by email"});
	html_button_warning(o, "Decline the request");
	html_form_end(o);
}

static int render_confirm(const struct req *r, struct resp *o, const struct request *rq, const struct session_input *v,
			  const char *reason, const struct form_errors *fe, int status)
{
	struct page p = {.title = "Confirm or decline a request", .nav = "/requests", .errors = fe, .back = "/requests"};
	page_begin(r, o, &p);
	htmlf(o, "<span class=\"govuk-caption-l\">%h</span><h1 class=\"govuk-heading-l\">Confirm or decline a request</h1>",
	      rq->school_name);
	request_summary(r, o, rq);
	if (strcmp(rq->status, "open") == 0) {
		confirm_form(r, o, rq, v, fe);
		decline_form(r, o, rq, reason, fe);
	} else if (rq->session_id) {
		htmlf(o, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/sessions/%D\">View the session</a></p>",
		      rq->session_id);
	}
	page_end(r, o, &p);
	return status;
}

int requests_confirm_page(const struct req *r, struct resp *o)
{
	struct request rq;
	if (!load_param(r, &rq))
		return page_error(r, o, 404, "Page not found", "There is no such request.");
	/* Most sessions are in the school itself. */
	struct session_input v = {0};
	venue_choice_suggest(r, rq.school_name, &v);
	if (r->user->role == ROLE_TRAINER)
		v.trainers = r->user->email;
	return render_confirm(r, o, &rq, &v, NULL, NULL, 200);
}

int requests_confirm(const struct req *r, struct resp *o)
{
	struct request rq;
	if (!load_param(r, &rq))
		return page_error(r, o, 404, "Page not found", "There is no such request.");
	struct session_input in;
	sessions_input_from(r, &in);
	if (in.trainers == NULL)
		in.trainers = "";
	struct session_input shown = in; /* what the form showed, before the request's fields fill in */
	struct form_errors fe = {0};
	int http;
	int64_t sid = confirm(r, &rq, &in, &fe, &http);
	if (sid)
		return resp_redirect(o, arena_printf(r->arena, "/sessions/%lld?done=created", (long long)sid));
	if (http == 422)
		return render_confirm(r, o, &rq, &shown, NULL, &fe, 400);
	return page_error(r, o, http, "The request was not confirmed", confirm_failure(http));
}

int requests_decline(const struct req *r, struct resp *o)
{
	struct request rq;
	if (!load_param(r, &rq))
		return page_error(r, o, 404, "Page not found", "There is no such request.");
	const char *reason = req_form(r, "reason");
	struct form_errors fe = {0};
	int status = decline(r, &rq, reason, &fe);
	if (status == 200)
		return resp_redirect(o, "/requests?done=declined");
	if (status == 422) {
		struct session_input v = {0};
		venue_choice_suggest(r, rq.school_name, &v);
		return render_confirm(r, o, &rq, &v, reason, &fe, 400);
	}
	return page_error(r, o, status, "The request was not declined",
			  status == 409 ? "This request has already been confirmed or declined." : "Try again later.");
}

/* ---- JSON API ---- */

static json_t *time_json(int64_t t)
{
	if (t == 0)
		return json_null();
	char iso[32];
	time_iso_local(t, iso);
	return json_string(iso);
}

static json_t *request_json(const struct request *rq)
{
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s?, s:i, s:i, s:s, s:s?, s:s, s:s, s:o, s:o}", "id",
			      (json_int_t)rq->id, "school", rq->school_urn, "school_name", rq->school_name, "course",
			      rq->course_id, "module", rq->module_id, "year_group", rq->year_group, "pupils_expected",
			      rq->pupils_expected, "preferred_dates", rq->preferred_dates, "notes", rq->notes, "status",
			      rq->status, "requested_by", rq->requester_email, "created_at", time_json(rq->created_at),
			      "decided_at", time_json(rq->decided_at));
	json_object_set_new(j, "session", rq->session_id ? json_integer(rq->session_id) : json_null());
	return j;
}

static int api_request(const struct req *r, struct resp *o, int64_t id, int status)
{
	struct db_stmt *st = db_query(r->db, SQL_REQUEST, "I", id);
	if (!db_next(st)) {
		db_done(st);
		return resp_error(o, 404, "There is no such request.", NULL);
	}
	struct request rq;
	request_row(st, r->arena, &rq);
	db_done(st);
	return resp_json(o, status, request_json(&rq));
}

int requests_api_create(const struct req *r, struct resp *o)
{
	if (r->json == NULL)
		return resp_error(o, 415, "Send a JSON object with Content-Type: application/json.", NULL);
	struct request_input in = input_from(r);
	struct form_errors fe = {0};
	int64_t id = requests_save(r->db, r->user, &in, &fe);
	if (id == 0)
		return fe.n ? resp_error(o, 422, fe.e[0].message, fe.e[0].field)
			    : resp_error(o, 500, "The request could not be saved.", NULL);
	return api_request(r, o, id, 201);
}

int requests_api_list(const struct req *r, struct resp *o)
{
	bool school = r->user->role == ROLE_SCHOOL;
	json_t *list = json_array();
	struct db_stmt *st = db_query(r->db, SQL_REQUESTS, "s", school ? r->user->school_urn : NULL);
	while (db_next(st)) {
		struct request rq;
		request_row(st, r->arena, &rq);
		json_array_append_new(list, request_json(&rq));
	}
	return resp_json(o, 200, list);
}

int requests_api_confirm(const struct req *r, struct resp *o)
{
	if (r->json == NULL)
		return resp_error(o, 415, "Send a JSON object with Content-Type: application/json.", NULL);
	struct request rq;
	if (!load_param(r, &rq))
		return resp_error(o, 404, "There is no such request.", NULL);
	struct session_input in;
	sessions_input_from(r, &in);
	struct form_errors fe = {0};
	int http;
	int64_t sid = confirm(r, &rq, &in, &fe, &http);
	if (sid == 0)
		return http == 422 ? resp_error(o, 422, fe.e[0].message, fe.e[0].field)
				   : resp_error(o, http, confirm_failure(http), NULL);
	struct session s;
	if (!sessions_load(r->db, r->arena, sid, &s))
		return resp_error(o, 500, "The session was created but could not be read back.", NULL);
	json_t *j = session_json(&s, now_utc(), sessions_viewer_sector(r->user));
	json_object_set_new(j, "request", json_integer(rq.id));
	return resp_json(o, 201, j);
}

int requests_api_decline(const struct req *r, struct resp *o)
{
	if (r->json == NULL)
		return resp_error(o, 415, "Send a JSON object with Content-Type: application/json.", NULL);
	struct request rq;
	if (!load_param(r, &rq))
		return resp_error(o, 404, "There is no such request.", NULL);
	struct form_errors fe = {0};
	int status = decline(r, &rq, req_field(r, "reason"), &fe);
	if (status == 422)
		return resp_error(o, 422, fe.e[0].message, fe.e[0].field);
	if (status != 200)
		return resp_error(o, status, status == 409 ? "This request has already been confirmed or declined."
							   : "The request could not be declined.",
				  NULL);
	return api_request(r, o, rq.id, 200);
}
