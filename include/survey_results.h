/* survey_results.h — pupil survey results (spec §6) per run, setting, area and period, pre beside
 * post: % agreeing with each statement, % right on each scenario, % demonstrating good
 * understanding. Every figure resting on fewer than SURVEY_MIN_RESPONSES responses is suppressed,
 * in the pages, the API and the CSV export alike: survey_figure() is the one place that decides. */
#ifndef LANTERN_SURVEY_RESULTS_H
#define LANTERN_SURVEY_RESULTS_H

#include <stdbool.h>
#include <stdint.h>

#include "req.h"
#include "resp.h"
#include "survey_instrument.h"

struct db;

enum { SURVEY_MIN_RESPONSES = 10 };

#define SURVEY_SUPPRESSED_TEXT "fewer than 10 responses"

/* One published figure: a percentage of n responses, or suppressed (then count and tenths are 0, so
 * nothing downstream can print the hidden value by mistake). */
struct survey_figure {
	int n;
	bool suppressed;
	int count;      /* responses counted, when not suppressed */
	int64_t tenths; /* the percentage in tenths (667 is 66.7%), when not suppressed */
};

/* The suppression rule of spec §6, for count of n responses. */
struct survey_figure survey_figure(int count, int n);

enum survey_phase { SURVEY_PRE, SURVEY_POST, SURVEY_PHASES };

/* Counts for one phase. */
struct survey_tally {
	int n;
	int agree[SURVEY_STATEMENTS];
	int right[SURVEY_SCENARIOS];
	int good;
};

/* Which responses: one run, or those of a setting or an area (with all below it) in [from, to). */
struct survey_scope {
	int64_t run_id;   /* 0: any run */
	const char *urn;  /* "" or NULL: any setting */
	const char *area; /* "" or NULL: any area */
	int64_t from, to; /* submitted_at range; 0 and INT64_MAX for all time */
};

void survey_tally(struct db *db, const struct survey_scope *scope, struct survey_tally out[SURVEY_PHASES]);

int survey_results_page(const struct req *r, struct resp *o);
int survey_results_csv(const struct req *r, struct resp *o);
int survey_results_api(const struct req *r, struct resp *o);
int survey_run_results_page(const struct req *r, struct resp *o);
int survey_run_results_csv(const struct req *r, struct resp *o);
int survey_run_results_api(const struct req *r, struct resp *o);

#endif
