/* evaluations.h — the short evaluation attendees give after a session, and its results. */
#ifndef LANTERN_EVALUATIONS_H
#define LANTERN_EVALUATIONS_H

#include <stdint.h>

#include "req.h"
#include "resp.h"

struct db;
struct arena;

/* Which sessions' evaluations: of a course and an area (with all below it), ending in [from, to),
 * as they stand at now. NULL or "" course or area: any. */
struct evaluation_scope {
	const char *course, *area;
	int64_t from, to, now;
};

enum evaluation_grouping { EVALUATIONS_ALL, EVALUATIONS_BY_COURSE, EVALUATIONS_BY_SESSION };

/* Sums over a group of released sessions: n evaluations, the sum of each rating, and how many rate
 * their confidence to act after the session 4 or 5. */
struct evaluation_tally {
	int64_t session;    /* EVALUATIONS_BY_SESSION */
	const char *course; /* EVALUATIONS_BY_COURSE and BY_SESSION */
	int64_t n, usefulness, recognise_before, recognise_after, act_before, act_after, confident;
};

/* The one count behind every evaluation figure (the results pages and API, O5.7): released sessions
 * only, each whole (disclosure.h), grouped as asked, at most 200 groups, by course then latest
 * session first. Returns how many, in *out (allocated in a). */
int evaluations_tally(struct db *db, struct arena *a, const struct evaluation_scope *scope,
		      enum evaluation_grouping by, struct evaluation_tally **out);

int evaluations_form(const struct req *r, struct resp *o);
int evaluations_submit(const struct req *r, struct resp *o);
int evaluations_results_page(const struct req *r, struct resp *o);
int evaluations_api_submit(const struct req *r, struct resp *o);
int evaluations_api_results(const struct req *r, struct resp *o);

#endif
