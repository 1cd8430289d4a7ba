/* survey_voids.c — voiding a run's answers received in a time range (survey_voids.h): the answers
 * page (minute by minute, so a burst stands out, with the voiding form and the record of voidings)
 * and the API. A voided answer is moved to survey_voided_responses with its voiding's id. */
#include "survey_voids.h"

#include <string.h>

#include "audit.h"
#include "auth.h"
#include "confirm.h"
#include "db.h"
#include "survey.h"
#include "survey_results.h"
#include "valid.h"

static const char SQL_IN_RANGE[] =
	"SELECT count(*) FROM survey_responses WHERE run_id = ? AND submitted_at BETWEEN ? AND ?";
static const char SQL_VOID_NEW[] = "INSERT INTO survey_voids (run_id, voided_by, voided_at, from_at, to_at, responses)"
				   " VALUES (?, nullif(?, 0), ?, ?, ?, ?)";
static const char SQL_VOID_MOVE[] =
	"INSERT INTO survey_voided_responses (response_id, void_id, run_id, submitted_at, q1, q2, q3, q4, s1, s2, s3, s4,"
	" good_understanding) SELECT id, ?1, run_id, submitted_at, q1, q2, q3, q4, s1, s2, s3, s4, good_understanding"
	" FROM survey_responses WHERE run_id = ?2 AND submitted_at BETWEEN ?3 AND ?4";
static const char SQL_VOID_DELETE[] = "DELETE FROM survey_responses WHERE run_id = ? AND submitted_at BETWEEN ? AND ?";
static const char SQL_VOIDS_OF[] =
	"SELECT v.id, v.voided_at, v.from_at, v.to_at, v.responses, u.name, u.email FROM survey_voids v"
	" LEFT JOIN users u ON u.id = v.voided_by WHERE v.run_id = ? ORDER BY v.voided_at, v.id LIMIT 1000";
/* Minutes are the same in UTC and London time (whole-hour offsets), so they group as they read. */
static const char SQL_BY_MINUTE[] = "SELECT submitted_at / 60 * 60, count(*) FROM survey_responses WHERE run_id = ?"
				    " GROUP BY submitted_at / 60 ORDER BY 1 LIMIT 1500";

bool survey_can_void(const struct user *u, const struct survey_run *run)
{
	switch (u ? u->role : ROLE__MAX) {
	case ROLE_ADMIN: return true;
	case ROLE_TRAINER: return u->id == run->opened_by;
	case ROLE_SCHOOL: return u->school_urn && strcmp(u->school_urn, run->urn) == 0;
	default: return false;
	}
}

/* Once closed, its results are out: a small voiding leaving them shown would let the two sets of
 * results be subtracted to give the voided answers. */
static bool void_would_disclose(const struct survey_run *run, int found, int64_t now)
{
	return survey_run_is_closed(run, now) && found < DISCLOSURE_MIN && run->responses - found >= DISCLOSURE_MIN;
}

static const char *const NOTHING_IN_RANGE =
	"No answers were received between those times, so there is nothing to void";

int survey_void(struct db *db, struct arena *a, const struct user *actor, int64_t run_id, int64_t from, int64_t to,
		struct form_errors *fe, struct survey_void_result *out)
{
	struct survey_run run;
	if (db_begin(db) != DB_OK)
		return 500;
	int status = 500;
	int64_t now = now_utc();
	int found = 0;
	if (!survey_run_load(db, a, run_id, &run))
		status = 404;
	else if (!survey_can_void(actor, &run))
		status = 403;
	else if ((found = (int)db_int(db, -1, SQL_IN_RANGE, "III", run_id, from, to)) <= 0)
		status = found == 0 ? 422 : 500;
	else if (void_would_disclose(&run, found, now))
		status = 409;
	else if (db_exec(db, SQL_VOID_NEW, "IIIIIi", run_id, actor->id, now, from, to, found) == DB_OK) {
		out->id = db_last_id(db);
		out->at = now;
		out->responses = found;
		char when_from[32], when_to[32];
		time_iso_local(from, when_from);
		time_iso_local(to, when_to);
		if (db_exec(db, SQL_VOID_MOVE, "IIII", out->id, run_id, from, to) == DB_OK &&
		    db_exec(db, SQL_VOID_DELETE, "III", run_id, from, to) == DB_OK && db_changes(db) == found &&
		    audit(db, actor->id, "survey_run", arena_printf(a, "%lld", (long long)run_id), "void", NULL,
			  arena_printf(a, "{\"void\": %lld, \"from\": \"%s\", \"to\": \"%s\", \"responses\": %d}",
				       (long long)out->id, when_from, when_to, found)) == 0)
			status = 201;
	}
	if (status == 422)
		form_error(fe, "from", NOTHING_IN_RANGE);
	if (status == 201 && db_commit(db) != DB_OK)
		status = 500;
	if (status != 201)
		db_rollback(db);
	return status;
}

/* ---- reading a request ---- */

/* A field of the range: posted (a form or JSON), or in the query of the confirmation page. */
static const char *range_field(const struct req *r, const char *name)
{
	const char *v = req_field(r, name);
	return v ? v : req_query(r, name);
}

/* from and to: local times as a datetime-local field sends them, or ISO 8601 with an offset. */
static bool range_from(const struct req *r, int64_t *from, int64_t *to, struct form_errors *fe)
{
	if (!valid_datetime(range_field(r, "from"), from))
		form_error(fe, "from", "Enter when the range starts, as a date and time like 2026-03-05T10:02:00");
	if (!valid_datetime(range_field(r, "to"), to))
		form_error(fe, "to", "Enter when the range ends, as a date and time like 2026-03-05T10:05:59");
	else if (fe->n == 0 && *to < *from)
		form_error(fe, "to", "The range must end at or after the time it starts");
	return fe->n == 0;
}

/* Voids the range the request names in the run; the status of survey_void, or 422 for a bad range. */
static int void_from(const struct req *r, const struct survey_run *run, int64_t *from, int64_t *to, struct form_errors *fe,
		     struct survey_void_result *done)
{
	if (!range_from(r, from, to, fe))
		return 422;
	return survey_void(r->db, r->arena, r->user, run->id, *from, *to, fe, done);
}

static const char *const REFUSED_CLOSED =
	"This survey has closed, so its results may have been seen: voiding fewer than 10 answers while 10 or more "
	"remain would let anyone compare the results before and after and work out the voided answers. Void a range "
	"holding at least 10 answers, or one that leaves fewer than 10.";
static const char *const REFUSED_WHO =
	"Only the school's lead, the trainer who opened this survey or a programme admin can void its answers.";

/* ---- the page ---- */

/* "YYYY-MM-DDTHH:MM:SS" in local time, as a datetime-local field shows it. */
static const char *local_field(struct arena *a, int64_t t)
{
	char iso[32];
	time_iso_local(t, iso);
	return arena_strndup(a, iso, 19);
}

/* The same to read: "YYYY-MM-DD HH:MM:SS". */
static const char *local_text(struct arena *a, int64_t t)
{
	char *s = (char *)local_field(a, t);
	s[10] = ' ';
	return s;
}

static void minutes_table(const struct req *r, struct resp *o, const struct survey_run *run)
{
	static const char *const head[] = {"Minute", "#Answers counted", "Range"};
	struct db_stmt *st = db_query(r->db, SQL_BY_MINUTE, "I", run->id);
	int n = 0;
	while (db_next(st)) {
		int64_t minute = db_col_int64(st, 0);
		if (n++ == 0)
			html_table_begin(o, "Answers counted, minute by minute", head, ARRAY_LEN(head));
		char when[80];
		time_human(minute, when, sizeof when);
		htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%h</td>"
			 "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%d</td><td class=\"govuk-table__cell\">"
			 "<a class=\"govuk-link\" href=\"/survey-runs/%D/answers?from=%u&amp;to=%u#void\">Choose this minute</a>"
			 "</td></tr>",
		      when, db_col_int(st, 1), run->id, local_field(r->arena, minute), local_field(r->arena, minute + 59));
	}
	db_done(st);
	if (n)
		html_table_end(o);
	else
		html_lit(o, "<p class=\"govuk-body\">No answers are counted in this survey.</p>");
}

static void voids_table(const struct req *r, struct resp *o, int64_t run_id)
{
	static const char *const head[] = {"Voided", "By", "Answers received from", "To", "#Answers"};
	struct db_stmt *st = db_query(r->db, SQL_VOIDS_OF, "I", run_id);
	int n = 0;
	while (db_next(st)) {
		if (n++ == 0) {
			html_lit(o, "<h2 class=\"govuk-heading-m\">Voided so far</h2>");
			html_table_begin(o, NULL, head, ARRAY_LEN(head));
		}
		char at[80];
		time_human(db_col_int64(st, 1), at, sizeof at);
		const char *from = local_text(r->arena, db_col_int64(st, 2)), *to = local_text(r->arena, db_col_int64(st, 3));
		const char *who = db_col_text(st, 5);
		htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%h</td><td class=\"govuk-table__cell\">"
			 "%h</td><td class=\"govuk-table__cell\">%h</td><td class=\"govuk-table__cell\">%h</td>"
			 "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%d</td></tr>",
		      at, who ? who : "the command line", from, to, db_col_int(st, 4));
	}
	db_done(st);
	if (n)
		html_table_end(o);
}

static int answers_page(const struct req *r, struct resp *o, const struct survey_run *run, const struct form_errors *fe,
			int status)
{
	bool staff = r->user->role == ROLE_ADMIN || r->user->role == ROLE_TRAINER;
	const char *back = staff ? arena_printf(r->arena, "/survey-runs/%lld", (long long)run->id)
				 : arena_printf(r->arena, "/schools/%s", run->urn);
	struct page p = {.title = "Answers received", .nav = staff ? "/survey-runs" : "/schools", .errors = fe, .back = back};
	page_begin(r, o, &p);
	htmlf(o, "<span class=\"govuk-caption-l\">%h</span><h1 class=\"govuk-heading-l\">Answers received</h1>",
	      survey_run_caption(r->arena, run));
	const char *done = req_query(r, "voided");
	long long voided = 0;
	if (done && valid_int(done, 1, 100000, &voided))
		html_notice(o, "Answers voided", arena_printf(r->arena, "%lld answer%s voided: they count nowhere now.", voided,
							      voided == 1 ? " was" : "s were"));
	htmlf(o, "<p class=\"govuk-body\">%d answer%h counted, of at most %d (the pupils present); %d voided.</p>",
	      run->responses, run->responses == 1 ? "" : "s", run->max_responses, run->voided);
	minutes_table(r, o, run);
	html_lit(o, "<h2 class=\"govuk-heading-m\" id=\"void\">Void answers</h2>");
	if (!survey_can_void(r->user, run)) {
		htmlf(o, "<p class=\"govuk-body\">%h</p>", REFUSED_WHO);
	} else {
		int64_t now = now_utc();
		/* A form sent back keeps what was sent; a minute chosen from the table comes in the query. */
		const char *from = range_field(r, "from"), *to = range_field(r, "to");
		html_lit(o, "<p class=\"govuk-body\">If a burst of answers did not come from the class, void the answers "
			    "received in its time range. They are set aside and count nowhere: not in results, indicators or "
			    "exports, nor in the survey's places, so pupils can still answer while it is open.</p>");
		if (survey_run_is_closed(run, now))
			htmlf(o, "<p class=\"govuk-body\">%h</p>", REFUSED_CLOSED);
		/* The range goes to its confirmation page first (survey_void_page), which posts it. */
		htmlf(o, "<form method=\"get\" action=\"/survey-runs/%D/answers/void\" novalidate>", run->id);
		html_input(o, fe, &(struct field){.name = "from", .label = "Received from", .type = "datetime-local",
						  .value = from ? from : local_field(r->arena, run->opened_at)});
		html_input(o, fe, &(struct field){.name = "to", .label = "Received until (included)", .type = "datetime-local",
						  .value = to ? to : local_field(r->arena, now)});
		html_button_warning(o, "Void the answers received in this range");
		html_lit(o, "</form>");
	}
	voids_table(r, o, run->id);
	page_end(r, o, &p);
	return status;
}

int survey_answers_page(const struct req *r, struct resp *o)
{
	struct survey_run run;
	if (!survey_run_from_path(r, o, &run))
		return 404;
	return answers_page(r, o, &run, NULL, 200);
}

int survey_void_page(const struct req *r, struct resp *o)
{
	struct survey_run run;
	if (!survey_run_from_path(r, o, &run))
		return 404;
	const char *back = arena_printf(r->arena, "/survey-runs/%lld/answers", (long long)run.id);
	struct form_errors fe = {0};
	int64_t from, to;
	int found = 0;
	/* In the order the action checks: the range, then who may void it. */
	if (range_from(r, &from, &to, &fe) && !survey_can_void(r->user, &run))
		return page_error_back(r, o, 403, "You cannot void these answers", REFUSED_WHO, back);
	if (fe.n == 0) {
		found = (int)db_int(r->db, 0, SQL_IN_RANGE, "III", run.id, from, to);
		if (found == 0)
			form_error(&fe, "from", NOTHING_IN_RANGE);
		else if (void_would_disclose(&run, found, now_utc()))
			form_error(&fe, "from", REFUSED_CLOSED);
	}
	if (fe.n)
		return answers_page(r, o, &run, &fe, 400);
	bool staff = r->user->role == ROLE_ADMIN || r->user->role == ROLE_TRAINER;
	const struct kv range[] = {{"from", range_field(r, "from")}, {"to", range_field(r, "to")}};
	struct confirm c = {.title = found == 1 ? "Void 1 answer?" : arena_printf(r->arena, "Void %d answers?", found),
			    .caption = survey_run_caption(r->arena, &run), .nav = staff ? "/survey-runs" : "/schools",
			    .action = back, .button = found == 1 ? "Yes, void this answer" : "Yes, void these answers",
			    .back = back, .warning = "This cannot be undone.", .fields = range, .nfields = 2};
	confirm_begin(r, o, &c);
	html_lit(o, "<dl class=\"govuk-summary-list\">");
	html_summary_row(o, "Received from", local_text(r->arena, from));
	html_summary_row(o, "Received until", local_text(r->arena, to));
	html_summary_row(o, "Answers voided", arena_printf(r->arena, "%d", found));
	html_summary_row(o, "Answers still counted", arena_printf(r->arena, "%d", run.responses - found));
	html_lit(o, "</dl><p class=\"govuk-body\">Voided answers are set aside and count nowhere: not in results, "
		    "indicators or exports, nor in the survey's places.</p>");
	return confirm_end(r, o, &c);
}

int survey_void_post(const struct req *r, struct resp *o)
{
	struct survey_run run;
	if (!survey_run_from_path(r, o, &run))
		return 404;
	struct form_errors fe = {0};
	int64_t from, to;
	struct survey_void_result done;
	int status = void_from(r, &run, &from, &to, &fe, &done);
	switch (status) {
	case 201:
		return resp_redirect(o, arena_printf(r->arena, "/survey-runs/%lld/answers?voided=%d", (long long)run.id,
						     done.responses));
	case 403: return page_error(r, o, 403, "You cannot void these answers", REFUSED_WHO);
	case 409: form_error(&fe, "from", REFUSED_CLOSED); /* fall through */
	case 422: return answers_page(r, o, &run, &fe, 400);
	default: return page_error(r, o, 500, "Sorry, there is a problem with the service", "Try again later.");
	}
}

/* ---- the API ---- */

static json_t *void_json(int64_t id, int64_t at, int64_t from, int64_t to, int responses, const char *by)
{
	char when[32], start[32], end[32];
	time_iso_local(at, when);
	time_iso_local(from, start);
	time_iso_local(to, end);
	return json_pack("{s:I, s:s, s:s?, s:s, s:s, s:i}", "id", (json_int_t)id, "voided_at", when, "voided_by", by, "from",
			 start, "to", end, "responses", responses);
}

int survey_api_voids(const struct req *r, struct resp *o)
{
	struct survey_run run;
	if (!survey_run_from_path(r, o, &run))
		return 404;
	resp_json_list_begin(o);
	struct db_stmt *st = db_query(r->db, SQL_VOIDS_OF, "I", run.id);
	while (db_next(st))
		resp_json_list_add(o, void_json(db_col_int64(st, 0), db_col_int64(st, 1), db_col_int64(st, 2),
						db_col_int64(st, 3), db_col_int(st, 4), db_col_text(st, 6)));
	db_done(st);
	return resp_json_list_end(o, 200);
}

int survey_api_void(const struct req *r, struct resp *o)
{
	struct survey_run run;
	if (!survey_run_from_path(r, o, &run))
		return 404;
	if (r->json == NULL)
		return resp_error(o, 415, "Send a JSON object with Content-Type: application/json.", NULL);
	struct form_errors fe = {0};
	int64_t from, to;
	struct survey_void_result done;
	int status = void_from(r, &run, &from, &to, &fe, &done);
	switch (status) {
	case 201: break;
	case 403: return resp_error(o, 403, REFUSED_WHO, NULL);
	case 409: return resp_error(o, 409, REFUSED_CLOSED, "from");
	case 422: return resp_error(o, 422, fe.e[0].message, fe.e[0].field);
	default: return resp_error(o, 500, "The answers could not be voided.", NULL);
	}
	if (!survey_run_load(r->db, r->arena, run.id, &run))
		return resp_error(o, 500, "The survey could not be read back.", NULL);
	json_t *j = void_json(done.id, done.at, from, to, done.responses, r->user->email);
	json_object_set_new(j, "run", survey_run_json(r, &run));
	return resp_json(o, 201, j);
}
