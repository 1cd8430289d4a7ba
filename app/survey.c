/* survey.c — pupil survey runs: opening and closing them (web and API), the page a trainer shows the
 * class (code and QR code), and the public pupil page at /s/{code}. The pupil page sets no cookie and
 * stores nothing about who answered: a response is its answers and when it arrived. Each view of the
 * page carries a one-use answer token (survey_token.h), so a replayed or scripted POST does not count;
 * a run takes one answer per pupil present and closes itself when the lesson is over. */
#include "survey.h"

#include <ctype.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "confirm.h"
#include "db.h"
#include "deliveries.h"
#include "disclosure.h"
#include "qr.h"
#include "route.h"
#include "schools.h"
#include "site.h"
#include "survey_instrument.h"
#include "survey_token.h"
#include "valid.h"

#define RUN_COLUMNS                                                                                               \
	"SELECT r.id, r.urn, s.name, r.phase, r.code, r.year_group, coalesce(r.opened_by, 0), r.opened_at,"        \
	" r.closes_at, coalesce(r.closed_at, 0), r.max_responses,"                                                 \
	" (SELECT count(*) FROM survey_responses x WHERE x.run_id = r.id),"                                         \
	" (SELECT count(*) FROM survey_voided_responses v WHERE v.run_id = r.id)"                                   \
	" FROM survey_runs r JOIN settings s ON s.urn = r.urn"

static const char SQL_RUN_BY_ID[] = RUN_COLUMNS " WHERE r.id = ?";
static const char SQL_RUN_BY_CODE[] = RUN_COLUMNS " WHERE r.code = ?";
static const char SQL_RUNS_OF[] = RUN_COLUMNS " WHERE r.urn = ?1 OR ?1 = '' ORDER BY r.opened_at DESC, r.id DESC LIMIT ?2";
static const char SQL_RUN_NEW[] = "INSERT INTO survey_runs (urn, year_group, phase, code, opened_by, opened_at, closes_at,"
				  " max_responses) VALUES (?, ?, ?, ?, nullif(?, 0), ?, ?, ?)";
static const char SQL_RUN_CLOSE[] = "UPDATE survey_runs SET closed_at = ?1 WHERE id = ?2 AND closed_at IS NULL"
				    " AND closes_at > ?1";
static const char SQL_CODE_TAKEN[] = "SELECT count(*) FROM survey_runs WHERE code = ?";
static const char SQL_RESPONSE_NEW[] = "INSERT INTO survey_responses (run_id, submitted_at, q1, q2, q3, q4, s1, s2, s3, s4,"
				       " good_understanding) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

static void run_from_row(struct arena *a, struct db_stmt *st, struct survey_run *run)
{
	run->id = db_col_int64(st, 0);
	run->urn = arena_strdup(a, db_col_text(st, 1));
	run->setting_name = arena_strdup(a, db_col_text(st, 2));
	run->phase = arena_strdup(a, db_col_text(st, 3));
	run->code = arena_strdup(a, db_col_text(st, 4));
	run->year_group = db_col_int(st, 5);
	run->opened_by = db_col_int64(st, 6);
	run->opened_at = db_col_int64(st, 7);
	run->closes_at = db_col_int64(st, 8);
	run->closed_at = db_col_int64(st, 9);
	run->max_responses = db_col_int(st, 10);
	run->responses = db_col_int(st, 11);
	run->voided = db_col_int(st, 12);
}

static bool run_load(struct arena *a, struct db_stmt *st, struct survey_run *run)
{
	bool found = db_next(st);
	if (found)
		run_from_row(a, st, run);
	db_done(st);
	return found;
}

bool survey_run_load(struct db *db, struct arena *a, int64_t id, struct survey_run *run)
{
	return run_load(a, db_query(db, SQL_RUN_BY_ID, "I", id), run);
}

/* A code as pupils may type it: any case, and o, i or l for the 0 and 1 they stand for (as in
 * Crockford's base32); NULL if it cannot be a code. */
static const char *normal_code(struct arena *a, const char *s)
{
	if (s == NULL || strlen(s) != SURVEY_CODE_LEN)
		return NULL;
	char *code = arena_strdup(a, s);
	for (char *p = code; *p; p++) {
		*p = (char)tolower((unsigned char)*p);
		if (*p == 'o')
			*p = '0';
		else if (*p == 'i' || *p == 'l')
			*p = '1';
		if (strchr(SURVEY_CODE_ALPHABET, *p) == NULL)
			return NULL;
	}
	return code;
}

bool survey_run_is_closed(const struct survey_run *run, int64_t now)
{
	return run->closed_at != 0 || now >= run->closes_at;
}

bool survey_run_is_open(const struct survey_run *run, int64_t now)
{
	return !survey_run_is_closed(run, now) && run->responses < run->max_responses;
}

const char *survey_run_url(const struct req *r, const struct survey_run *run)
{
	return arena_printf(r->arena, "%s/s/%s", site_base_url(), run->code);
}

json_t *survey_run_json(const struct req *r, const struct survey_run *run)
{
	char closes[32];
	int64_t now = now_utc();
	time_iso_local(run->closed_at ? run->closed_at : run->closes_at, closes);
	return json_pack("{s:I, s:s, s:i, s:s, s:s, s:s, s:s, s:b, s:i, s:i, s:i, s:i, s:b}", "id", (json_int_t)run->id,
			 "urn", run->urn, "year_group", run->year_group, "phase", run->phase, "code", run->code, "url",
			 survey_run_url(r, run), "closes_at", closes, "open", survey_run_is_open(run, now), "responses",
			 run->responses, "capacity", run->max_responses, "max_responses", run->max_responses, "voided",
			 run->voided, "released", disclosure_run_released(run->closed_at, run->closes_at, run->responses, now));
}

/* ---- opening and closing ---- */

/* When the lesson ends, from "HH:MM" (today, local time) or a date and time; false if neither. */
static bool lesson_end(const char *text, int64_t now, int64_t *out)
{
	size_t len = strlen(text);
	if (len == 4 || len == 5) {
		time_t t = (time_t)now;
		struct tm tm;
		localtime_r(&t, &tm);
		char when[32];
		snprintf(when, sizeof when, "%04d-%02d-%02dT%s%s", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 len == 4 ? "0" : "", text);
		return valid_datetime(when, out);
	}
	return valid_datetime(text, out);
}

/* The run's closing time: the end of the lesson, later than now and within SURVEY_OPEN_SECONDS. */
static int64_t closing_time(const struct survey_run_input *in, int64_t now, struct form_errors *fe)
{
	bool end_given = in->ends_at && *in->ends_at, minutes_given = in->minutes && *in->minutes;
	long long minutes = SURVEY_DEFAULT_MINUTES;
	int64_t end = 0;
	if (end_given && minutes_given)
		form_error(fe, "minutes", "Give the time the lesson ends or its minutes left, not both");
	else if (minutes_given && !valid_int(in->minutes, 1, SURVEY_OPEN_SECONDS / 60, &minutes))
		form_error(fe, "minutes", "Enter the minutes left in the lesson, from 1 to 1440 (24 hours)");
	else if (end_given && !(lesson_end(in->ends_at, now, &end) && end > now && end <= now + SURVEY_OPEN_SECONDS))
		form_error(fe, "ends_at", "Enter the time the lesson ends, like 10:40: later than now and within 24 hours");
	return end_given ? end : now + minutes * 60;
}

int64_t survey_open(struct db *db, struct arena *a, const struct user *actor, const struct survey_run_input *in,
		    struct form_errors *fe)
{
	long long year = 0, capacity = 0;
	struct setting s;
	bool setting = (actor == NULL || schools_can_see(actor, in->urn)) && schools_load(db, a, in->urn, &s);
	if (!setting)
		form_error(fe, "urn", "Choose the school or college");
	if (!valid_int(in->year_group, 7, 13, &year))
		form_error(fe, "year_group", "Choose the year group, from Year 7 to Year 13");
	if (in->phase == NULL || (strcmp(in->phase, "pre") != 0 && strcmp(in->phase, "post") != 0))
		form_error(fe, "phase", "Choose whether this is before (pre) or after (post) the sessions");
	/* The class's own count, not the year's roll: a capacity far above the room is room for a flood. */
	if (!valid_int(in->capacity, 1, DELIVERIES_MAX_PUPILS, &capacity))
		form_error(fe, "capacity", "Enter how many pupils are present, from 1 to 2000: the survey takes one answer each");
	int64_t now = now_utc();
	int64_t closes = closing_time(in, now, fe);
	if (fe->n)
		return 0;
	for (int attempt = 0; attempt < 5; attempt++) {
		const char *code = auth_random_code(a, SURVEY_CODE_LEN);
		if (db_int(db, 1, SQL_CODE_TAKEN, "s", code) > 0)
			continue;
		enum db_rc rc = db_exec(db, SQL_RUN_NEW, "sissIIIi", in->urn, (int)year, in->phase, code, actor ? actor->id : 0,
					now, closes, (int)capacity);
		if (rc == DB_OK)
			return db_last_id(db);
		if (rc != DB_CONSTRAINT)
			return 0;
	}
	return 0;
}

/* Who may close a run early: the trainer who opened it, or an admin. */
static bool may_close(const struct user *actor, const struct survey_run *run)
{
	return actor->role == ROLE_ADMIN || actor->id == run->opened_by;
}

/* Closes the run early. Returns 200, 403 (not may_close), 409 (already closed) or 500. */
static int close_run(struct db *db, const struct user *actor, const struct survey_run *run)
{
	if (!may_close(actor, run))
		return 403;
	int64_t now = now_utc();
	if (db_exec(db, SQL_RUN_CLOSE, "II", now, run->id) != DB_OK)
		return 500;
	return db_changes(db) == 1 ? 200 : 409;
}

/* ---- recording a response ---- */

bool survey_good_understanding(const struct survey_answers *ans)
{
	int right = 0;
	for (int i = 0; i < SURVEY_STATEMENTS; i++)
		if (ans->q[i] < 4)
			return false;
	for (int i = 0; i < SURVEY_SCENARIOS; i++)
		right += strcmp(ans->s[i], survey_instrument.scenarios[i].right) == 0;
	return right >= 3;
}

int survey_record(struct db *db, const char *code, const struct survey_answers *ans, const struct survey_token *token)
{
	struct arena *a = arena_new();
	int status = 500, spent = 0;
	struct survey_run run;
	/* The check and the writes share the write lock, so the last place goes to exactly one pupil and a
	 * token sent twice at once counts once. */
	if (db_begin(db) != DB_OK)
		goto out;
	int64_t now = now_utc();
	if (!run_load(a, db_query(db, SQL_RUN_BY_CODE, "s", code), &run))
		status = 404;
	else if (survey_run_is_closed(&run, now))
		status = 410;
	else if (run.responses >= run.max_responses)
		status = 409;
	else if (token && (spent = survey_token_spend(db, token, now)) != 1)
		status = spent == 0 ? 403 : 500;
	else if (db_exec(db, SQL_RESPONSE_NEW, "IIiiiissssi", run.id, now, ans->q[0], ans->q[1], ans->q[2], ans->q[3],
			 ans->s[0], ans->s[1], ans->s[2], ans->s[3], survey_good_understanding(ans) ? 1 : 0) == DB_OK)
		status = 201;
	if (status == 201 && db_commit(db) != DB_OK)
		status = 500;
	if (status != 201)
		db_rollback(db);
out:
	arena_free(a);
	return status;
}

void survey_answers_from(const struct req *r, struct survey_answers *ans, struct form_errors *fe)
{
	for (int i = 0; i < SURVEY_STATEMENTS; i++) {
		const char *id = survey_instrument.statements[i].id;
		long long v = 0;
		if (!valid_int(req_field(r, id), 1, SURVEY_SCALE, &v))
			form_error(fe, id, arena_printf(r->arena, "Choose how much you agree with sentence %d", i + 1));
		ans->q[i] = (int)v;
	}
	for (int i = 0; i < SURVEY_SCENARIOS; i++) {
		const char *id = survey_instrument.scenarios[i].id, *v = req_field(r, id);
		ans->s[i] = NULL;
		for (int k = 0; v && k < SURVEY_ANSWERS; k++)
			if (strcmp(v, survey_instrument.answers[k].value) == 0)
				ans->s[i] = survey_instrument.answers[k].value;
		if (ans->s[i] == NULL)
			form_error(fe, id, arena_printf(r->arena, "Choose healthy, unhealthy or not sure for story %d", i + 1));
	}
}

/* ---- the pupil page ---- */

static void help(struct resp *o)
{
	const struct survey_instrument *si = &survey_instrument;
	htmlf(o, "<h2 class=\"govuk-heading-m\" id=\"help\">%h</h2><ul class=\"govuk-list govuk-list--bullet\">",
	      si->help_heading);
	for (int i = 0; i < SURVEY_HELP; i++) {
		const struct survey_help *h = &si->help[i];
		if (h->phone)
			htmlf(o, "<li>%h<a class=\"govuk-link\" href=\"tel:%h\"><strong>%h</strong></a>%h</li>", h->before, h->tel,
			      h->phone, h->after);
		else
			htmlf(o, "<li>%h</li>", h->before);
	}
	html_lit(o, "</ul>");
}

/* A page for pupils: no navigation, no cookie, not kept in a shared device's cache. */
static int pupil_message(const struct req *r, struct resp *o, int status, const char *title, const char *text)
{
	o->cache_control = "no-store";
	if (req_wants_json(r))
		return resp_error(o, status, arena_printf(r->arena, "%s. %s", title, text), NULL);
	struct page p = {.title = title};
	page_begin(r, o, &p);
	htmlf(o, "<h1 class=\"govuk-heading-l\">%h</h1><p class=\"govuk-body\">%h</p>", title, text);
	help(o);
	page_end(r, o, &p);
	return status;
}

static int refusal(const struct req *r, struct resp *o, int status)
{
	switch (status) {
	case 404:
		return pupil_message(r, o, 404, "We cannot find that survey",
				     "Check the address or code with your teacher. Codes have 8 letters and numbers.");
	case 410:
		return pupil_message(r, o, 410, "This survey has closed",
				     "It is not taking answers any more: it closed at the end of the lesson, or your teacher "
				     "closed it. Thank you for wanting to take part.");
	case 409:
		return pupil_message(r, o, 409, "This survey is full",
				     "It already has as many answers as there are pupils taking part, so it is not "
				     "taking any more. Ask your teacher if you think this is wrong.");
	default:
		return pupil_message(r, o, 500, "Sorry, something went wrong", "Your answers were not sent. Try again in a minute.");
	}
}

/* One question as a fieldset of radios, keeping the pupil's answer when the page comes back. */
static void question(const struct req *r, struct resp *o, const struct form_errors *fe, const char *id,
		     const char *label, const struct option *choices, size_t n)
{
	html_radios(o, fe, &(struct field){.name = id, .label = label, .value = req_field(r, id)}, choices, n);
}

/* The form, with the answers sent so far kept and a fresh answer token; warning, if any, says why
 * answers sent with the page were not recorded. */
static int pupil_form(const struct req *r, struct resp *o, const struct survey_run *run, const struct form_errors *fe,
		      const char *warning, int status)
{
	const struct survey_instrument *si = &survey_instrument;
	o->cache_control = "no-store";
	struct page p = {.title = si->title, .errors = fe};
	page_begin(r, o, &p);
	if (warning)
		htmlf(o, "<div class=\"govuk-warning-text\"><span class=\"govuk-warning-text__icon\" aria-hidden=\"true\">!"
			 "</span><strong class=\"govuk-warning-text__text\"><span class=\"govuk-visually-hidden\">Warning"
			 "</span>%h</strong></div>",
		      warning);
	htmlf(o, "<span class=\"govuk-caption-m\">Year %d survey</span><h1 class=\"govuk-heading-l\">%h</h1>"
		 "<p class=\"govuk-body\">%h</p>",
	      run->year_group, si->title, si->intro);
	html_form_begin(r, o, arena_printf(r->arena, "/s/%s", run->code));
	htmlf(o, "<input type=\"hidden\" name=\"token\" value=\"%h\">", survey_token_issue(r->arena, run->id, now_utc()));
	htmlf(o, "<h2 class=\"govuk-heading-m\">%h</h2><p class=\"govuk-body\">%h</p>", si->statements_heading,
	      si->statements_hint);
	for (int i = 0; i < SURVEY_STATEMENTS; i++)
		question(r, o, fe, si->statements[i].id, arena_printf(r->arena, "%d. %s", i + 1, si->statements[i].text),
			 si->scale, SURVEY_SCALE);
	htmlf(o, "<h2 class=\"govuk-heading-m\">%h</h2><p class=\"govuk-body\">%h</p>", si->scenarios_heading,
	      si->scenarios_hint);
	for (int i = 0; i < SURVEY_SCENARIOS; i++)
		question(r, o, fe, si->scenarios[i].id, arena_printf(r->arena, "Story %d. %s", i + 1, si->scenarios[i].text),
			 si->answers, SURVEY_ANSWERS);
	html_button(o, si->submit);
	html_form_end(o);
	help(o);
	page_end(r, o, &p);
	return status;
}

/* The run a pupil's address names; NULL (with *status) when there is none or it is not open. */
static const struct survey_run *pupil_run(const struct req *r, int *status)
{
	struct survey_run *run = arena_alloc(r->arena, sizeof *run);
	const char *code = normal_code(r->arena, req_param(r, 0));
	*status = 404;
	if (code == NULL || !run_load(r->arena, db_query(r->db, SQL_RUN_BY_CODE, "s", code), run))
		return NULL;
	int64_t now = now_utc();
	*status = survey_run_is_closed(run, now) ? 410 : run->responses >= run->max_responses ? 409 : 200;
	return *status == 200 ? run : NULL;
}

/* For answers sent as JSON: an answer token and how long it and the run last. */
static int token_json(const struct req *r, struct resp *o, const struct survey_run *run)
{
	int64_t now = now_utc();
	char expires[32], closes[32];
	time_iso_local(now + SURVEY_TOKEN_SECONDS, expires);
	time_iso_local(run->closes_at, closes);
	o->cache_control = "no-store";
	return resp_json(o, 200, json_pack("{s:s, s:s, s:s, s:i}", "token", survey_token_issue(r->arena, run->id, now),
					   "expires_at", expires, "closes_at", closes, "year_group", run->year_group));
}

/* The code box at /s/: for a pupil who types the code off the trainer's screen rather than scanning
 * it. A GET form, so it needs no form token and sets no cookie. */
static int code_box(const struct req *r, struct resp *o, const char *typed, const char *error, int status)
{
	o->cache_control = "no-store";
	struct form_errors fe = {0};
	if (error)
		form_error(&fe, "code", error);
	struct page p = {.title = "Enter your survey code", .errors = &fe, .exit_this_page = true};
	page_begin(r, o, &p);
	html_lit(o, "<h1 class=\"govuk-heading-l\">Enter your survey code</h1>"
		    "<form method=\"get\" action=\"/s/\" novalidate>");
	htmlf(o, "<div class=\"govuk-form-group%h\"><label class=\"govuk-label govuk-label--s\" for=\"code\">Survey code"
		 "</label><div id=\"code-hint\" class=\"govuk-hint\">8 letters and numbers, shown on your teacher&#39;s "
		 "screen</div>",
	      error ? " govuk-form-group--error" : "");
	html_error_message(o, "code", error);
	htmlf(o, "<input class=\"govuk-input govuk-input--width-10 lantern-code-input%h\" id=\"code\" name=\"code\" "
		 "type=\"text\" value=\"%h\" autocomplete=\"off\" autocapitalize=\"characters\" spellcheck=\"false\" "
		 "aria-describedby=\"code-hint%h\"></div>",
	      error ? " govuk-input--error" : "", typed ? typed : "", error ? " code-error" : "");
	html_button(o, "Start the survey");
	html_lit(o, "</form>");
	help(o);
	page_end(r, o, &p);
	return status;
}

int survey_code_page(const struct req *r, struct resp *o)
{
	const char *typed = req_query(r, "code");
	if (typed == NULL)
		return code_box(r, o, NULL, NULL, 200);
	if (typed[strspn(typed, " \t-")] == '\0')
		return code_box(r, o, typed, "Enter the survey code from your teacher's screen", 400);
	/* People copy "K3M9 QXDT" or "k3m9-qxdt": spaces and dashes are not part of a code. */
	struct buf plain = {0};
	for (const char *p = typed; *p && plain.len <= SURVEY_CODE_LEN; p++)
		if (*p != ' ' && *p != '\t' && *p != '-')
			buf_putc(&plain, *p);
	const char *code = plain.len ? normal_code(r->arena, plain.data) : NULL;
	buf_free(&plain);
	if (code == NULL)
		return code_box(r, o, typed,
				"The code has 8 letters and numbers: check it on your teacher's screen and type it again", 400);
	if (db_int(r->db, 0, SQL_CODE_TAKEN, "s", code) == 0)
		return code_box(r, o, typed,
				"There is no survey with that code: check it on your teacher's screen and type it again", 404);
	return resp_redirect(o, arena_printf(r->arena, "/s/%s", code));
}

int survey_pupil_page(const struct req *r, struct resp *o)
{
	const char *sent = req_query(r, "sent");
	if (sent && strcmp(sent, "1") == 0)
		return pupil_message(r, o, 200, survey_instrument.thanks_heading, survey_instrument.thanks);
	int status;
	const struct survey_run *run = pupil_run(r, &status);
	if (run == NULL)
		return refusal(r, o, status);
	if (req_wants_json(r))
		return token_json(r, o, run);
	return pupil_form(r, o, run, NULL, NULL, 200);
}

/* Answers whose token was missing, bad, expired or spent. A pupil gets the form back with their
 * answers and a fresh token, or, when the page was sent already (a double press), the news that it
 * was: sending the same answers again would count them twice. */
static int token_refusal(const struct req *r, struct resp *o, const struct survey_run *run, enum survey_token_check c)
{
	static const char *const why[] = {
		[SURVEY_TOKEN_OK] = "",
		[SURVEY_TOKEN_MISSING] = ("Send an answer token as \"token\": get one with GET /s/{code} and Accept: "
					  "application/json."),
		[SURVEY_TOKEN_BAD] = "This answer token is not valid for this survey: get a new one.",
		[SURVEY_TOKEN_EXPIRED] = "This answer token has expired: get a new one.",
		[SURVEY_TOKEN_SPENT] = "This answer token has been used already: each answer needs a new one.",
	};
	if (r->json)
		return resp_error(o, 403, why[c], "token");
	if (c == SURVEY_TOKEN_SPENT)
		return pupil_message(r, o, 403, "Your answers have already been sent",
				     "Each page sends one set of answers, and this one has been sent. Thank you for "
				     "taking part.");
	return pupil_form(r, o, run, NULL,
			  "Your answers have not been sent yet, because this page was too old or not from this survey. "
			  "Check your answers below and send them again.",
			  403);
}

int survey_pupil_submit(const struct req *r, struct resp *o)
{
	int status;
	const struct survey_run *run = pupil_run(r, &status);
	if (run == NULL)
		return refusal(r, o, status);
	struct survey_answers ans;
	struct form_errors fe = {0};
	survey_answers_from(r, &ans, &fe);
	if (fe.n) {
		if (r->json)
			return resp_error(o, 422, fe.e[0].message, fe.e[0].field);
		return pupil_form(r, o, run, &fe, NULL, 400);
	}
	struct survey_token token;
	enum survey_token_check c = survey_token_check(r->arena, req_field(r, "token"), run->id, now_utc(), &token);
	if (c != SURVEY_TOKEN_OK)
		return token_refusal(r, o, run, c);
	status = survey_record(r->db, run->code, &ans, &token);
	if (status == 403)
		return token_refusal(r, o, run, SURVEY_TOKEN_SPENT);
	if (status != 201)
		return refusal(r, o, status);
	if (r->json)
		return resp_json(o, 201, json_pack("{s:b}", "recorded", 1));
	return resp_redirect(o, arena_printf(r->arena, "/s/%s?sent=1", run->code));
}

/* ---- the trainer's pages ---- */

static void status_tag(struct resp *o, const struct survey_run *run, int64_t now)
{
	if (survey_run_is_open(run, now))
		html_tag(o, "Open", "green");
	else if (survey_run_is_closed(run, now))
		html_tag(o, "Closed", "grey");
	else
		html_tag(o, "Full", "yellow");
}

static void runs_table(const struct req *r, struct resp *o, const char *urn, bool staff)
{
	struct db_stmt *st = db_query(r->db, SQL_RUNS_OF, "si", urn ? urn : "", 200);
	int64_t now = now_utc();
	int n = 0;
	while (db_next(st)) {
		struct survey_run run;
		run_from_row(r->arena, st, &run);
		static const char *const head[] = {"Opened", "Setting", "Year group", "Phase", "#Answers", "Status"};
		if (n++ == 0)
			html_table_begin(o, NULL, head, ARRAY_LEN(head));
		char opened[64];
		date_human(run.opened_at, opened, sizeof opened);
		htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a class=\"govuk-link\" href=\"%h\">%h</a>"
			 "</td><td class=\"govuk-table__cell\">%h</td><td class=\"govuk-table__cell\">Year %d</td>"
			 "<td class=\"govuk-table__cell\">%h</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">",
		      arena_printf(r->arena, staff ? "/survey-runs/%lld" : "/survey-runs/%lld/results", (long long)run.id),
		      opened, run.setting_name, run.year_group, strcmp(run.phase, "pre") == 0 ? "Before (pre)" : "After (post)");
		/* Those who may void answers reach the answers page from the count. */
		if (r->user->role == ROLE_ANALYST)
			htmlf(o, "%d", run.responses);
		else
			htmlf(o, "<a class=\"govuk-link\" href=\"/survey-runs/%D/answers\">%d</a>", run.id, run.responses);
		html_lit(o, "</td><td class=\"govuk-table__cell\">");
		status_tag(o, &run, now);
		html_lit(o, "</td></tr>");
	}
	db_done(st);
	if (n)
		html_table_end(o);
	else
		html_lit(o, "<p class=\"govuk-body\">No pupil surveys have been run yet.</p>");
}

void survey_runs_table(const struct req *r, struct resp *o, const char *urn)
{
	html_lit(o, "<h2 class=\"govuk-heading-m\">Pupil surveys</h2>");
	bool staff = r->user->role == ROLE_ADMIN || r->user->role == ROLE_TRAINER;
	runs_table(r, o, urn, staff);
}

int survey_runs_page(const struct req *r, struct resp *o)
{
	struct page p = {.title = "Pupil surveys", .nav = "/survey-runs", .wide = true};
	page_begin(r, o, &p);
	html_lit(o, "<h1 class=\"govuk-heading-l\">Pupil surveys</h1>"
		    "<p class=\"govuk-body\">Open a survey for a class, saying how many pupils are present and when the "
		    "lesson ends, and show them the code or QR code. It takes one answer from each pupil and closes "
		    "itself when the lesson ends (24 hours at most), or when you close it.</p>"
		    "<div class=\"govuk-button-group\"><a href=\"/survey-runs/new\" role=\"button\" draggable=\"false\" "
		    "class=\"govuk-button\" data-module=\"govuk-button\">Open a survey</a>"
		    "<a class=\"govuk-link\" href=\"/survey-results\">Results by setting, area and period</a></div>");
	runs_table(r, o, NULL, true);
	page_end(r, o, &p);
	return 200;
}

static const char SQL_SETTING_OPTIONS[] = "SELECT urn, name || ' (' || urn || ')' FROM settings ORDER BY name LIMIT 5000";

static int render_new(const struct req *r, struct resp *o, const struct survey_run_input *v, const struct form_errors *fe,
		      int status)
{
	struct page p = {.title = "Open a pupil survey", .nav = "/survey-runs", .errors = fe, .back = "/survey-runs"};
	page_begin(r, o, &p);
	html_lit(o, "<h1 class=\"govuk-heading-l\">Open a pupil survey</h1>");
	html_form_begin(r, o, "/survey-runs/new");
	size_t cap = 5001, n = 1;
	struct option *settings = arena_alloc(r->arena, cap * sizeof *settings);
	settings[0] = (struct option){"", "Choose"};
	struct db_stmt *st = db_query(r->db, SQL_SETTING_OPTIONS, "");
	while (n < cap && db_next(st))
		settings[n++] = (struct option){arena_strdup(r->arena, db_col_text(st, 0)), arena_strdup(r->arena, db_col_text(st, 1))};
	db_done(st);
	html_select(o, fe, &(struct field){.name = "urn", .label = "School or college", .value = v->urn}, settings, n);
	struct option years[7];
	for (int i = 0; i < 7; i++)
		years[i] = (struct option){arena_printf(r->arena, "%d", 7 + i), arena_printf(r->arena, "Year %d", 7 + i)};
	html_select(o, fe, &(struct field){.name = "year_group", .label = "Year group", .value = v->year_group}, years, 7);
	static const struct option phases[] = {{"pre", "Before the sessions (pre)"}, {"post", "After the sessions (post)"}};
	html_radios(o, fe, &(struct field){.name = "phase", .label = "When is this survey?", .value = v->phase}, phases, 2);
	html_input(o, fe, &(struct field){.name = "capacity", .label = "Pupils present", .value = v->capacity,
					  .width = "govuk-input--width-4", .inputmode = "numeric",
					  .hint = "Count the pupils in the room: the survey takes one answer from each, "
						  "and no more."});
	html_input(o, fe, &(struct field){.name = "ends_at", .label = "The lesson ends at (optional)", .value = v->ends_at,
					  .type = "time", .width = "govuk-input--width-5",
					  .hint = "Like 10:40. The survey closes itself then; leave blank to close it in an "
						  "hour."});
	html_button(o, "Open the survey");
	html_form_end(o);
	page_end(r, o, &p);
	return status;
}

static struct survey_run_input run_input(const struct req *r)
{
	/* pupils_expected is the field's older name, still taken from API clients written for it. */
	const char *capacity = req_field(r, "capacity");
	return (struct survey_run_input){.urn = req_field(r, "urn"), .year_group = req_field(r, "year_group"),
					 .phase = req_field(r, "phase"),
					 .capacity = capacity ? capacity : req_field(r, "pupils_expected"),
					 .ends_at = req_field(r, "ends_at"), .minutes = req_field(r, "minutes")};
}

int survey_new_page(const struct req *r, struct resp *o)
{
	return render_new(r, o, &(struct survey_run_input){.urn = req_query(r, "urn")}, NULL, 200);
}

int survey_create(const struct req *r, struct resp *o)
{
	struct survey_run_input in = run_input(r);
	struct form_errors fe = {0};
	int64_t id = survey_open(r->db, r->arena, r->user, &in, &fe);
	if (id == 0) {
		if (fe.n == 0)
			return page_error(r, o, 500, "Sorry, there is a problem with the service", "Try again later.");
		return render_new(r, o, &in, &fe, 400);
	}
	return resp_redirect(o, arena_printf(r->arena, "/survey-runs/%lld", (long long)id));
}

const char *survey_run_caption(struct arena *a, const struct survey_run *run)
{
	return arena_printf(a, "%s · Year %d · %s", run->setting_name, run->year_group,
			    strcmp(run->phase, "pre") == 0 ? "before the sessions" : "after the sessions");
}

bool survey_run_from_path(const struct req *r, struct resp *o, struct survey_run *run)
{
	int64_t id;
	if (valid_id(req_param(r, 0), &id) && survey_run_load(r->db, r->arena, id, run) && schools_can_see(r->user, run->urn))
		return true;
	if (route_is_api(r->path))
		resp_error(o, 404, "There is no such survey run.", NULL);
	else
		page_error(r, o, 404, "Page not found", "There is no such survey.");
	return false;
}

int survey_run_page(const struct req *r, struct resp *o)
{
	struct survey_run run;
	if (!survey_run_from_path(r, o, &run))
		return 404;
	int64_t now = now_utc();
	bool open = survey_run_is_open(&run, now);
	const char *url = survey_run_url(r, &run);
	struct page p = {.title = arena_printf(r->arena, "Survey for Year %d, %s", run.year_group, run.setting_name),
			 .nav = "/survey-runs", .back = "/survey-runs"};
	page_begin(r, o, &p);
	htmlf(o, "<span class=\"govuk-caption-l\">%h</span><h1 class=\"govuk-heading-l\">Pupil survey</h1>",
	      survey_run_caption(r->arena, &run));
	const char *done = req_query(r, "done");
	if (done && strcmp(done, "closed") == 0)
		html_notice(o, "The survey is closed", "It takes no more answers.");
	html_lit(o, "<p class=\"govuk-body\">");
	status_tag(o, &run, now);
	char when[80];
	time_human(run.closed_at ? run.closed_at : run.closes_at, when, sizeof when);
	htmlf(o, " %d answer%h so far, of at most %d (the pupils present). %h %h.</p>", run.responses,
	      run.responses == 1 ? "" : "s", run.max_responses, survey_run_is_closed(&run, now) ? "Closed" : "Open until", when);
	if (open) {
		htmlf(o, "<p class=\"govuk-body-l\">Pupils go to <strong class=\"lantern-break-anywhere\">%h</strong> or "
			 "scan the code, or go to <strong class=\"lantern-break-anywhere\">%h/s/</strong> and type the code "
			 "under it.</p>"
			 "<div class=\"lantern-qr\"><img src=\"/survey-runs/%D/qr.svg\" alt=\"QR code for %h\">"
			 "<p class=\"lantern-qr__caption\">%h</p></div>",
		      url, site_base_url(), run.id, url, run.code);
		html_link_button(o, arena_printf(r->arena, "/survey-runs/%lld/close", (long long)run.id),
				 "Close the survey now", true);
	}
	htmlf(o, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/survey-runs/%D/results\">See the results</a></p>"
		 "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/survey-runs/%D/answers\">Answers received, minute by "
		 "minute</a>: void a burst of answers that did not come from the class.</p>",
	      run.id, run.id);
	page_end(r, o, &p);
	return 200;
}

int survey_run_qr(const struct req *r, struct resp *o)
{
	struct survey_run run;
	if (!survey_run_from_path(r, o, &run))
		return 404;
	const char *url = survey_run_url(r, &run);
	struct buf svg = {0};
	if (qr_svg(&svg, url, QR_MEDIUM, 0, arena_printf(r->arena, "QR code for %s", url)) != 0) {
		buf_free(&svg);
		return page_error(r, o, 500, "Sorry, there is a problem with the service", "The QR code could not be made.");
	}
	o->cache_control = "no-store";
	int status = resp_text(o, 200, "image/svg+xml", svg.data, svg.len);
	buf_free(&svg);
	return status;
}

static const char *const CLOSE_WHO = "Only the trainer who opened it, or a programme admin, can close it.";

int survey_close_page(const struct req *r, struct resp *o)
{
	struct survey_run run;
	if (!survey_run_from_path(r, o, &run))
		return 404;
	int64_t now = now_utc();
	const char *back = arena_printf(r->arena, "/survey-runs/%lld", (long long)run.id);
	if (survey_run_is_closed(&run, now))
		return page_error_back(r, o, 409, "This survey is already closed", "It takes no more answers.", back);
	if (!may_close(r->user, &run))
		return page_error_back(r, o, 403, "You cannot close this survey", CLOSE_WHO, back);
	struct confirm c = {.title = "Close the survey now?", .caption = survey_run_caption(r->arena, &run), .nav = "/survey-runs",
			    .action = r->path, .button = "Yes, close the survey", .back = back,
			    .warning = "A closed survey cannot be opened again."};
	confirm_begin(r, o, &c);
	char when[80];
	time_human(run.closes_at, when, sizeof when);
	htmlf(o, "<p class=\"govuk-body\">It has %d answer%h, of at most %d (the pupils present). Pupils will not be able "
		 "to answer once it is closed; otherwise it stays open until %h.</p>",
	      run.responses, run.responses == 1 ? "" : "s", run.max_responses, when);
	html_lit(o, "<p class=\"govuk-body\">Its results are released when it closes");
	if (run.responses < DISCLOSURE_MIN)
		html_lit(o, ", but with fewer than " DISCLOSURE_STR(DISCLOSURE_MIN) " answers they are not shown, so that no "
			    "pupil's answers can be picked out");
	html_lit(o, ".</p>");
	return confirm_end(r, o, &c);
}

int survey_run_close(const struct req *r, struct resp *o)
{
	struct survey_run run;
	if (!survey_run_from_path(r, o, &run))
		return 404;
	int status = close_run(r->db, r->user, &run);
	if (status == 403)
		return page_error(r, o, 403, "You cannot close this survey", CLOSE_WHO);
	if (status == 500)
		return page_error(r, o, 500, "Sorry, there is a problem with the service", "Try again later.");
	return resp_redirect(o, arena_printf(r->arena, "/survey-runs/%lld?done=closed", (long long)run.id));
}

/* ---- the API ---- */

int survey_api_open(const struct req *r, struct resp *o)
{
	if (r->json == NULL)
		return resp_error(o, 415, "Send a JSON object with Content-Type: application/json.", NULL);
	struct survey_run_input in = run_input(r);
	struct form_errors fe = {0};
	int64_t id = survey_open(r->db, r->arena, r->user, &in, &fe);
	struct survey_run run;
	if (id == 0)
		return fe.n ? resp_error(o, 422, fe.e[0].message, fe.e[0].field)
			    : resp_error(o, 500, "The survey could not be opened.", NULL);
	if (!survey_run_load(r->db, r->arena, id, &run))
		return resp_error(o, 500, "The survey could not be read back.", NULL);
	return resp_json(o, 201, survey_run_json(r, &run));
}

int survey_api_get(const struct req *r, struct resp *o)
{
	struct survey_run run;
	if (!survey_run_from_path(r, o, &run))
		return 404;
	return resp_json(o, 200, survey_run_json(r, &run));
}

int survey_api_close(const struct req *r, struct resp *o)
{
	struct survey_run run;
	if (!survey_run_from_path(r, o, &run))
		return 404;
	int status = close_run(r->db, r->user, &run);
	if (status == 403)
		return resp_error(o, 403, "Only the trainer who opened this survey, or an admin, can close it.", NULL);
	if (status == 409)
		return resp_error(o, 409, "This survey is already closed.", NULL);
	if (status != 200 || !survey_run_load(r->db, r->arena, run.id, &run))
		return resp_error(o, 500, "The survey could not be closed.", NULL);
	return resp_json(o, 200, survey_run_json(r, &run));
}
