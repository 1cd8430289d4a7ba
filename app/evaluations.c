/* evaluations.c — after attending, a practitioner rates usefulness and their confidence to
 * recognise domestic abuse and to take action, before and after (1-5 each), with optional
 * comments, until the session's evaluation window closes. Results per course and session for
 * admins and O5.7 ("act after" of 4 or 5) are all counted by evaluations_tally(), over released
 * sessions only (disclosure.h). */
#include "evaluations.h"

#include <stdio.h>
#include <string.h>

#include "attendance.h"
#include "auth.h"
#include "catalog.h"
#include "db.h"
#include "disclosure.h"
#include "html.h"
#include "route.h"
#include "valid.h"

/* error: what the error summary says when it is not answered, naming the question, as GOV.UK's
 * pattern for radios does ("Select ..."), so the list of errors reads without the form beside it. */
static const struct question {
	const char *name;
	const char *label;
	const char *error;
} questions[] = {
	{"usefulness", "How useful was the session for your work?",
	 "Select how useful the session was for your work, from 1 to 5"},
	{"recognise_before", "Before the session, how confident were you to recognise domestic abuse?",
	 "Select how confident you were to recognise domestic abuse before the session, from 1 to 5"},
	{"recognise_after", "Now, how confident are you to recognise domestic abuse?",
	 "Select how confident you are now to recognise domestic abuse, from 1 to 5"},
	{"act_before", "Before the session, how confident were you to take action (ask, respond, refer)?",
	 "Select how confident you were to take action (ask, respond, refer) before the session, from 1 to 5"},
	{"act_after", "Now, how confident are you to take action (ask, respond, refer)?",
	 "Select how confident you are now to take action (ask, respond, refer), from 1 to 5"},
};

static const struct option scale[] = {
	{"1", "1 – not at all"}, {"2", "2"}, {"3", "3"}, {"4", "4"}, {"5", "5 – very"},
};

static const char SQL_OWNER[] = "SELECT b.user_id, b.status, s.course_id, (SELECT count(*) FROM evaluations e"
				" WHERE e.booking_id = b.id), s.ends_at, s.id FROM bookings b JOIN sessions s ON s.id = b.session_id"
				" WHERE b.id = ?";
static const char SQL_SAVE[] = "INSERT INTO evaluations (booking_id, submitted_at, usefulness, recognise_before,"
			       " recognise_after, act_before, act_after, comments) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

/* Why the form is refused: title, reason, and the way back (the session's page, where the
 * evaluation is linked from; NULL when the booking is not the person's). */
struct refusal {
	const char *title, *why, *back;
};

/* Only the attendee, only once the session has ended (confidence "now" means after it) and until its
 * window closes, only after attending, only once. Returns 0 or an HTTP status with *no filled in. */
static int may_evaluate(const struct req *r, int64_t booking, const char **course, struct refusal *no)
{
	no->title = "There is a problem";
	struct db_stmt *st = db_query(r->db, SQL_OWNER, "I", booking);
	if (!db_next(st) || db_col_int64(st, 0) != r->user->id) {
		no->title = "Page not found";
		no->why = "There is no such booking.";
		return 404;
	}
	*course = arena_strdup(r->arena, db_col_text(st, 2));
	no->back = arena_printf(r->arena, "/sessions/%lld", (long long)db_col_int64(st, 5));
	int64_t ends = db_col_int64(st, 4);
	if (now_utc() < ends) {
		char when[80];
		time_human(ends, when, sizeof when);
		no->title = "The evaluation is not open yet";
		no->why = arena_printf(r->arena, "The evaluation opens when the session ends (%s). We will e-mail you the link "
					      "then, with your certificate.",
				    when);
		return 409;
	}
	if (!attendance_present(db_col_text(st, 1))) {
		no->why = "You can give feedback once you have been marked as attending.";
		return 409;
	}
	if (db_col_int(st, 3) > 0) {
		no->title = "You have already sent feedback";
		no->why = "Thank you: your feedback for this session has been received. It can be sent only once.";
		return 409;
	}
	/* Once the window closes the session's results may be released: a later answer could be picked
	 * out as the difference it makes, so none is taken. */
	int64_t closes = disclosure_evaluations_close(ends);
	if (now_utc() >= closes) {
		char day[64];
		date_human(closes, day, sizeof day);
		no->why = arena_printf(r->arena, "Feedback for this session closed on %s: it is taken for "
					      DISCLOSURE_STR(EVALUATION_WINDOW_DAYS) " days after a session ends.", day);
		return 410;
	}
	return 0;
}

static int render(const struct req *r, struct resp *o, int64_t booking, const char *course_id,
		  const struct form_errors *fe, int status)
{
	const struct course *c = catalog_course(course_id);
	struct page p = {.title = "Tell us how the session went", .errors = fe};
	page_begin(r, o, &p);
	htmlf(o, "<span class=\"govuk-caption-l\">%h</span><h1 class=\"govuk-heading-l\">Tell us how the session went</h1>"
		 "<p class=\"govuk-body\">Five quick questions. Your answers help us improve the training and show the "
		 "Domestic Abuse Board what it achieves.</p>",
	      c ? c->title : "");
	html_form_begin(r, o, arena_printf(r->arena, "/evaluations/%lld", (long long)booking));
	for (size_t i = 0; i < ARRAY_LEN(questions); i++)
		html_radios(o, fe,
			    &(struct field){.name = questions[i].name, .label = questions[i].label,
					    .value = req_form(r, questions[i].name)},
			    scale, ARRAY_LEN(scale));
	html_textarea(o, fe, &(struct field){.name = "comments", .label = "Anything else? (optional)",
					     .value = req_form(r, "comments")});
	html_button(o, "Send feedback");
	html_form_end(o);
	page_end(r, o, &p);
	return status;
}

static int refused(const struct req *r, struct resp *o, int status, const struct refusal *no)
{
	return no->back ? page_error_back(r, o, status, no->title, no->why, no->back)
			: page_error(r, o, status, no->title, no->why);
}

int evaluations_form(const struct req *r, struct resp *o)
{
	int64_t booking;
	const char *course = NULL;
	struct refusal no = {0};
	if (!valid_id(req_param(r, 0), &booking))
		return route_error(r, o, 404, "There is no such booking.");
	int rc = may_evaluate(r, booking, &course, &no);
	return rc ? refused(r, o, rc, &no) : render(r, o, booking, course, NULL, 200);
}

/* Validates the answers; on success writes them. Returns 0, or the status with fe filled. */
static int save(const struct req *r, int64_t booking, struct form_errors *fe)
{
	int v[ARRAY_LEN(questions)];
	for (size_t i = 0; i < ARRAY_LEN(questions); i++) {
		long long n;
		if (!valid_int(req_field(r, questions[i].name), 1, 5, &n))
			form_error(fe, questions[i].name, questions[i].error);
		v[i] = (int)n;
	}
	const char *comments = req_field(r, "comments");
	if (comments && *comments == '\0')
		comments = NULL;
	if (comments && !valid_text(comments, 2000, true))
		form_error(fe, "comments", "Comments must be up to 2000 characters");
	if (fe->n)
		return 422;
	if (db_exec(r->db, SQL_SAVE, "IIiiiiis", booking, now_utc(), v[0], v[1], v[2], v[3], v[4], comments) != DB_OK) {
		form_error(fe, "usefulness", "You have already sent feedback for this session");
		return 409;
	}
	return 0;
}

int evaluations_submit(const struct req *r, struct resp *o)
{
	int64_t booking;
	const char *course = NULL;
	struct refusal no = {0};
	if (!valid_id(req_param(r, 0), &booking))
		return route_error(r, o, 404, "There is no such booking.");
	int rc = may_evaluate(r, booking, &course, &no);
	if (rc)
		return refused(r, o, rc, &no);
	struct form_errors fe = {0};
	if ((rc = save(r, booking, &fe)))
		return render(r, o, booking, course, &fe, 400);
	struct page p = {.title = "Thank you"};
	page_begin(r, o, &p);
	htmlf(o, "<div class=\"govuk-panel govuk-panel--confirmation\"><h1 class=\"govuk-panel__title\">Thank you</h1>"
		 "<div class=\"govuk-panel__body\">Your feedback has been sent</div></div>"
		 "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/certificates/%D\">Get your certificate</a></p>",
	      booking);
	page_end(r, o, &p);
	return 200;
}

int evaluations_api_submit(const struct req *r, struct resp *o)
{
	int64_t booking;
	const char *course = NULL;
	struct refusal no = {0};
	if (!valid_id(req_param(r, 0), &booking))
		return resp_error(o, 404, "There is no such booking.", NULL);
	int rc = may_evaluate(r, booking, &course, &no);
	if (rc)
		return resp_error(o, rc, no.why, NULL);
	struct form_errors fe = {0};
	if ((rc = save(r, booking, &fe)))
		return resp_error(o, rc, fe.e[0].message, fe.e[0].field);
	return resp_json(o, 201, json_pack("{s:I, s:s}", "booking", (json_int_t)booking, "status", "received"));
}

/* Each released session whole, then summed per group; see evaluations_tally(). */
static const char SQL_TALLY[] =
	"SELECT CASE ?1 WHEN 2 THEN sid ELSE 0 END, CASE ?1 WHEN 0 THEN '' ELSE course END, sum(n), sum(u), sum(rb),"
	" sum(ra), sum(ab), sum(aa), sum(c)"
	" FROM (SELECT s.id AS sid, s.course_id AS course, s.ends_at AS ends, count(*) AS n, sum(e.usefulness) AS u,"
	" sum(e.recognise_before) AS rb, sum(e.recognise_after) AS ra, sum(e.act_before) AS ab, sum(e.act_after) AS aa,"
	" count(*) FILTER (WHERE e.act_after >= 4) AS c"
	" FROM sessions s JOIN bookings b ON b.session_id = s.id JOIN evaluations e ON e.booking_id = b.id"
	" WHERE s.status = 'scheduled' AND s.school_urn IS NULL AND (?2 = '' OR s.course_id = ?2)"
	" AND (?3 = '' OR s.area IN (SELECT descendant FROM area_tree WHERE ancestor = ?3))"
	" AND s.ends_at >= ?4 AND s.ends_at < ?5 AND" DISCLOSURE_WINDOW_OVER("s", "?6")
	" GROUP BY s.id" DISCLOSURE_LARGE_ENOUGH ") evaluated"
	" GROUP BY 1, 2 ORDER BY 2, max(ends) DESC LIMIT 200";

int evaluations_tally(struct db *db, struct arena *a, const struct evaluation_scope *scope,
		      enum evaluation_grouping by, struct evaluation_tally **out)
{
	struct evaluation_tally *list = arena_alloc(a, 200 * sizeof *list);
	int n = 0;
	struct db_stmt *st = db_query(db, SQL_TALLY, "issIII", (int)by, scope->course ? scope->course : "",
				      scope->area ? scope->area : "", scope->from, scope->to, scope->now);
	while (n < 200 && db_next(st)) {
		struct evaluation_tally *t = &list[n++];
		t->session = db_col_int64(st, 0);
		t->course = arena_strdup(a, db_col_text(st, 1));
		t->n = db_col_int64(st, 2);
		t->usefulness = db_col_int64(st, 3);
		t->recognise_before = db_col_int64(st, 4);
		t->recognise_after = db_col_int64(st, 5);
		t->act_before = db_col_int64(st, 6);
		t->act_after = db_col_int64(st, 7);
		t->confident = db_col_int64(st, 8);
	}
	db_done(st);
	*out = list;
	return n;
}

static json_t *row_json(const struct evaluation_tally *t, const char *key, json_t *id)
{
	double n = (double)t->n;
	return json_pack("{s:o, s:I, s:f, s:f, s:f, s:f, s:f, s:f}", key, id, "n", (json_int_t)t->n, "usefulness",
			 t->usefulness / n, "recognise_before", t->recognise_before / n, "recognise_after",
			 t->recognise_after / n, "act_before", t->act_before / n, "act_after", t->act_after / n,
			 "confident_to_act_pct", 100.0 * (double)t->confident / n);
}

/* Per course, or per session with ?course=: responses, mean ratings, share confident to act. */
static json_t *results(const struct req *r, const char *course)
{
	json_t *list = json_array();
	struct evaluation_tally *rows;
	struct evaluation_scope scope = {.course = course, .from = 0, .to = INT64_MAX, .now = now_utc()};
	int n = evaluations_tally(r->db, r->arena, &scope, course ? EVALUATIONS_BY_SESSION : EVALUATIONS_BY_COURSE, &rows);
	for (int i = 0; i < n; i++)
		json_array_append_new(list, course ? row_json(&rows[i], "session", json_integer(rows[i].session))
						   : row_json(&rows[i], "course", json_string(rows[i].course)));
	return list;
}

int evaluations_api_results(const struct req *r, struct resp *o)
{
	return resp_json(o, 200, results(r, req_query(r, "course")));
}

int evaluations_results_page(const struct req *r, struct resp *o)
{
	const char *course_id = req_query(r, "course");
	const struct course *c = catalog_course(course_id);
	if (course_id && c == NULL)
		return route_error(r, o, 404, "There is no such course.");
	struct page p = {.title = "Evaluations", .nav = "/admin/evaluations", .wide = true,
			 .back = c ? "/admin/evaluations" : NULL};
	page_begin(r, o, &p);
	htmlf(o, "<h1 class=\"govuk-heading-l\">Evaluations%h%h</h1><p class=\"govuk-body\">Average ratings from 1 to 5; "
		 "\"confident to act\" is the share rating their confidence to take action 4 or 5 after the session. "
		 "A session counts once feedback on it has closed, " DISCLOSURE_STR(EVALUATION_WINDOW_DAYS)
		 " days after it ends, and only if at least "
		 DISCLOSURE_STR(DISCLOSURE_MIN) " people gave it, so that no one's answers can be picked out.</p>",
	      c ? ": " : "", c ? c->title : "");
	json_t *list = results(r, c ? c->id : NULL);
	const char *cols[] = {c ? "Session" : "Course", "#Responses", "#Useful", "#Recognise: before → after",
			      "#Act: before → after", "#Confident to act"};
	html_table_begin(o, NULL, cols, ARRAY_LEN(cols));
	size_t i;
	json_t *row;
	json_array_foreach(list, i, row)
	{
		if (c) {
			int64_t sid = (int64_t)json_integer_value(json_object_get(row, "session"));
			htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a class=\"govuk-link\" "
				 "href=\"/sessions/%D\">Session %D</a></td>",
			      sid, sid);
		} else {
			const char *id = json_string_value(json_object_get(row, "course"));
			const struct course *rc = catalog_course(id);
			htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a class=\"govuk-link\" "
				 "href=\"/admin/evaluations?course=%u\">%h</a></td>",
			      id, rc ? rc->title : id);
		}
		char nums[5][24];
		const char *keys[] = {"usefulness", "recognise_before", "recognise_after", "act_before", "act_after"};
		for (int k = 0; k < 5; k++)
			snprintf(nums[k], sizeof nums[k], "%.1f", json_real_value(json_object_get(row, keys[k])));
		htmlf(o, "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%D</td>"
			 "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%h</td>"
			 "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%h → %h</td>"
			 "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%h → %h</td>"
			 "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%d%%</td></tr>",
		      (int64_t)json_integer_value(json_object_get(row, "n")), nums[0], nums[1], nums[2], nums[3], nums[4],
		      (int)(json_real_value(json_object_get(row, "confident_to_act_pct")) + 0.5));
	}
	html_table_end(o);
	if (json_array_size(list) == 0)
		html_lit(o, "<p class=\"govuk-body\">No evaluations released yet.</p>");
	json_decref(list);
	page_end(r, o, &p);
	return 200;
}
