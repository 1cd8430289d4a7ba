/* survey_results.h — pupil survey results (spec §6) per run, setting, area and period, pre beside
 * post: % agreeing with each statement, % right on each scenario, % demonstrating good
 * understanding. survey_tally() is the one count behind every survey figure (these pages, the API,
 * the CSV export, and in its lighter form indicator O1.5): it counts released runs only, whole, by the
 * period they opened in (disclosure.h), and disclosure_figure() decides each figure shown. */
#ifndef LANTERN_SURVEY_RESULTS_H
#define LANTERN_SURVEY_RESULTS_H

#include <stdbool.h>
#include <stdint.h>

#include "disclosure.h"
#include "req.h"
#include "resp.h"
#include "survey_instrument.h"

struct db;

enum survey_phase { SURVEY_PRE, SURVEY_POST, SURVEY_PHASES };

/* Counts for one phase, over released runs. */
struct survey_tally {
	int n;
	int agree[SURVEY_STATEMENTS];
	int right[SURVEY_SCENARIOS];
	int good;
	bool withheld; /* one run not yet released: n is its answers so far, and nothing else is counted */
};

/* Which runs: one run, or those of a setting or an area (with all below it) that opened in
 * [from, to); counted as they stand at now. */
struct survey_scope {
	int64_t run_id;   /* 0: any run */
	const char *urn;  /* "" or NULL: any setting */
	const char *area; /* "" or NULL: any area */
	int64_t from, to; /* opened_at range; 0 and INT64_MAX for all time */
	int64_t now;
};

/* Tallies the released runs in scope, by phase. */
void survey_tally(struct db *db, const struct survey_scope *scope, struct survey_tally out[SURVEY_PHASES]);
/* The same, counting only n and good understanding (the rest left 0), from an index alone. */
void survey_tally_good(struct db *db, const struct survey_scope *scope, struct survey_tally out[SURVEY_PHASES]);

int survey_results_page(const struct req *r, struct resp *o);
int survey_results_csv(const struct req *r, struct resp *o);
int survey_results_api(const struct req *r, struct resp *o);
int survey_run_results_page(const struct req *r, struct resp *o);
int survey_run_results_csv(const struct req *r, struct resp *o);
int survey_run_results_api(const struct req *r, struct resp *o);

#endif
