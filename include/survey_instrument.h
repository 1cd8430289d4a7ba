/* survey_instrument.h — the Risk Avert pupil survey's questions (spec §6): four statements answered
 * 1–5, one per capability, and four short scenarios answered healthy, unhealthy or not sure, each
 * with one right answer. The words live in one data table (app/survey_instrument.c). */
#ifndef LANTERN_SURVEY_INSTRUMENT_H
#define LANTERN_SURVEY_INSTRUMENT_H

#include "html.h"

enum { SURVEY_STATEMENTS = 4, SURVEY_SCENARIOS = 4, SURVEY_SCALE = 5, SURVEY_ANSWERS = 3, SURVEY_HELP = 3 };

struct survey_statement {
	const char *id;         /* the response field: q1 … q4 */
	const char *capability; /* what it measures, for staff */
	const char *text;       /* what pupils read */
};

struct survey_scenario {
	const char *id;    /* the response field: s1 … s4 */
	const char *about; /* what it tests, for staff */
	const char *text;  /* what pupils read */
	const char *right; /* healthy or unhealthy */
};

/* One way to get help; a phone number is shown as a link that dials it. */
struct survey_help {
	const char *before;
	const char *phone, *tel; /* NULL when there is no number */
	const char *after;
};

struct survey_instrument {
	const char *title, *intro;
	const char *statements_heading, *statements_hint;
	struct survey_statement statements[SURVEY_STATEMENTS];
	struct option scale[SURVEY_SCALE]; /* "1" strongly disagree … "5" strongly agree */
	const char *scenarios_heading, *scenarios_hint;
	struct survey_scenario scenarios[SURVEY_SCENARIOS];
	struct option answers[SURVEY_ANSWERS]; /* healthy, unhealthy, not-sure */
	const char *submit, *thanks_heading, *thanks;
	const char *help_heading;
	struct survey_help help[SURVEY_HELP];
};

extern const struct survey_instrument survey_instrument;

#endif
