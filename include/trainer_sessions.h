/* trainer_sessions.h — the sessions a trainer delivers, grouped as a trainer needs them: today's,
 * the coming ones, and past ones still waiting for attendance marks (or a pupil head-count). The
 * rules only; the page, the home page's panel and the API are trainer_sessions_pages.c's. */
#ifndef LANTERN_TRAINER_SESSIONS_H
#define LANTERN_TRAINER_SESSIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "sessions.h"

struct db;
struct arena;

enum trainer_group {
	TRAINER_TODAY,          /* running at any time today (local time), by start */
	TRAINER_COMING,         /* starting from tomorrow, by start */
	TRAINER_AWAITING_MARKS, /* ended before today with someone not yet marked, newest first */
	TRAINER_GROUP__MAX
};

struct trainer_session {
	struct session s; /* without its trainers (sessions_load_trainers) */
	/* Practitioner sessions: people with a place not yet marked. Pupil sessions: 1 while the
	 * head-count is missing, else 0. */
	int unmarked;
};

/* Up to limit of the trainer's sessions in group g as at now, cancelled ones left out, into *out
 * (allocated in a). *more tells whether there were more than limit. Returns how many. */
int trainer_sessions(struct db *db, struct arena *a, int64_t trainer_id, enum trainer_group g, int64_t now, int limit,
		     struct trainer_session **out, bool *more);

#endif
