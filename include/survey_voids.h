/* survey_voids.h — voiding the answers a pupil survey run received in a time range (issue 13): when
 * a script floods a run, its school lead, the trainer who opened it or an admin sets those answers
 * aside. Voided answers move out of survey_responses, so they count nowhere (results, indicators,
 * exports, the run's places) and the places they took are free again; each voiding is recorded (who,
 * when, the range, how many) and audited. */
#ifndef LANTERN_SURVEY_VOIDS_H
#define LANTERN_SURVEY_VOIDS_H

#include <stdbool.h>
#include <stdint.h>

#include "html.h"
#include "req.h"
#include "resp.h"

struct arena;
struct db;
struct survey_run;
struct user;

/* The school's lead, the trainer who opened the run, or an admin. */
bool survey_can_void(const struct user *u, const struct survey_run *run);

/* What voiding gives back: the voiding's id, when it was done and how many answers it set aside. */
struct survey_void_result {
	int64_t id, at;
	int responses;
};

/* Voids the answers run_id received from from to to (instants, both included), in one transaction
 * with its record and audit entry. Returns 201; 403 (actor may not); 422 with a field error in fe
 * (the range holds no answers); 409 when the run has closed and voiding so few would let its shown
 * results, before and after, be subtracted to reveal the voided answers; or 500. */
int survey_void(struct db *db, struct arena *a, const struct user *actor, int64_t run_id, int64_t from, int64_t to,
		struct form_errors *fe, struct survey_void_result *out);

int survey_answers_page(const struct req *r, struct resp *o);
/* The confirmation of a range to void (its from and to in the query; confirm.h); survey_void_post acts. */
int survey_void_page(const struct req *r, struct resp *o);
int survey_void_post(const struct req *r, struct resp *o);
int survey_api_voids(const struct req *r, struct resp *o);
int survey_api_void(const struct req *r, struct resp *o);

#endif
