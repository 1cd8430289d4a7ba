/* survey.h — pupil survey runs (spec §6): a trainer opens a run for a setting, year group and phase
 * (pre or post), stating the pupils present and when the lesson ends, and shows its short code and
 * QR code to the class; pupils answer anonymously at /s/{code}, with no login and no cookie, each
 * answer spending the one-use token of the page it came from (survey_token.h), until the run closes
 * (at the end of the lesson, when the trainer closes it, or once it has an answer per pupil). */
#ifndef LANTERN_SURVEY_H
#define LANTERN_SURVEY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "html.h"
#include "req.h"
#include "resp.h"

struct db;
struct arena;
struct user;

enum {
	SURVEY_OPEN_SECONDS = 24 * 3600,   /* the longest a run may stay open (spec §6) */
	SURVEY_DEFAULT_MINUTES = 60,       /* when the trainer does not say when the lesson ends */
	SURVEY_CODE_LEN = 8,
};
/* Codes come from auth_random_code: Crockford base32 in lower case, so 32^8 ≈ 1.1 × 10^12 of them,
 * with no i, l, o or u to misread off a projector. */
#define SURVEY_CODE_ALPHABET "0123456789abcdefghjkmnpqrstvwxyz"

struct survey_run {
	int64_t id;
	const char *urn, *setting_name, *phase, *code;
	int year_group;
	int64_t opened_by, opened_at, closes_at, closed_at; /* closed_at 0: not closed early */
	int max_responses, responses; /* max_responses: the capacity, one answer per pupil present */
	int voided;                   /* answers voided (survey_voids.h), counted nowhere else */
};

/* What a trainer gives to open a run: capacity is the pupils present (required); the lesson's end
 * is ends_at ("HH:MM" today, or a date and time) or minutes from now, neither meaning an hour. */
struct survey_run_input {
	const char *urn, *year_group, *phase, *capacity, *ends_at, *minutes;
};

/* Opens a run; returns its id, or 0 with errors in fe (none: the database failed). */
int64_t survey_open(struct db *db, struct arena *a, const struct user *actor, const struct survey_run_input *in,
		    struct form_errors *fe);
bool survey_run_load(struct db *db, struct arena *a, int64_t id, struct survey_run *run);
/* Open for answers at time now: not closed, not past closes_at, not full. */
bool survey_run_is_open(const struct survey_run *run, int64_t now);
/* Closed at time now: by its trainer, or its lesson is over. */
bool survey_run_is_closed(const struct survey_run *run, int64_t now);
/* The run named by the path's first parameter, if this user may see it (a school lead: only their
 * own); otherwise answers 404 itself (a page, or JSON under /api/) and returns false. */
bool survey_run_from_path(const struct req *r, struct resp *o, struct survey_run *run);
/* The address pupils answer at: site_base_url() + "/s/" + code. */
const char *survey_run_url(const struct req *r, const struct survey_run *run);
/* Which survey, for a caption: "Southend High · Year 8 · before the sessions"; in a. */
const char *survey_run_caption(struct arena *a, const struct survey_run *run);
/* A run in the API's shape (spec §9). */
json_t *survey_run_json(const struct req *r, const struct survey_run *run);

/* One response: q[i] is 1–5, s[i] an answer id. */
struct survey_answers {
	int q[4];
	const char *s[4];
};
/* Decodes the eight answers of a response from a request's form or JSON body (q1..q4 1–5, s1..s4
 * healthy, unhealthy or not-sure); each missing or bad one is a field error in fe. Pure: it reads only
 * the request. Answer texts point into the instrument, messages into the request's arena. */
void survey_answers_from(const struct req *r, struct survey_answers *ans, struct form_errors *fe);
/* Spec §6: agrees (4 or 5) with all four statements and gets at least three scenarios right. */
bool survey_good_understanding(const struct survey_answers *ans);
struct survey_token;
/* Records a response to the run with this code, checking in one transaction that the run is open and
 * not full and spending the answer token. Returns 201, or 404 (no such run), 410 (closed), 409
 * (full), 403 (the token was spent already) or 500. token is NULL only for the command line (demo). */
int survey_record(struct db *db, const char *code, const struct survey_answers *ans, const struct survey_token *token);

/* The runs of a setting, for its page. */
void survey_runs_table(const struct req *r, struct resp *o, const char *urn);

int survey_runs_page(const struct req *r, struct resp *o);
int survey_new_page(const struct req *r, struct resp *o);
int survey_create(const struct req *r, struct resp *o);
int survey_run_page(const struct req *r, struct resp *o);
int survey_run_qr(const struct req *r, struct resp *o);
/* The confirmation before closing a run early (confirm.h); survey_run_close acts. */
int survey_close_page(const struct req *r, struct resp *o);
int survey_run_close(const struct req *r, struct resp *o);
int survey_pupil_page(const struct req *r, struct resp *o);
/* /s/ with no code: a box for the code on the trainer's screen (any case; spaces and dashes are
 * ignored), which goes on to /s/{code}, or says on the same page that no survey has that code. */
int survey_code_page(const struct req *r, struct resp *o);
int survey_pupil_submit(const struct req *r, struct resp *o);
int survey_api_open(const struct req *r, struct resp *o);
int survey_api_get(const struct req *r, struct resp *o);
int survey_api_close(const struct req *r, struct resp *o);

#endif
