/* deliveries.h — Risk Avert deliveries (spec §6): a module of the programme delivered to a year
 * group of a setting on a date, with the number of pupils reached. deliveries_record() is the only
 * way one is written: the web form, the API and a pupil session's head-count (attendance) share it. */
#ifndef LANTERN_DELIVERIES_H
#define LANTERN_DELIVERIES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "html.h"
#include "req.h"
#include "resp.h"

struct db;
struct user;
struct period;

/* The catalogue course whose modules deliveries record. */
#define DELIVERIES_COURSE "risk-avert"

enum { DELIVERIES_MAX_PUPILS = 2000 }; /* whatever the roll says, more than this in one year group is a typo */

/* What to record, as text from a form, JSON or another module (format numbers with arena_printf). */
struct delivery_input {
	const char *urn;
	const char *module;         /* a module id of DELIVERIES_COURSE */
	const char *year_group;     /* "7" … "13", and one the module suits */
	const char *delivered_on;   /* "YYYY-MM-DD", not after today */
	const char *pupils_reached; /* 0 or more, and not far above the year group's number on roll */
	int64_t session_id;         /* 0, or the pupil session whose head-count this is: recording the same
				       session again updates its delivery instead of adding one */
	bool in_transaction;        /* true: the caller already holds BEGIN IMMEDIATE and will commit or roll
				       back (a head-count written with its attendance); false: the delivery
				       is written in a transaction of its own */
};

/* Checks and writes a delivery, with an audit entry. actor: a school user (their own setting only),
 * a trainer or an admin; NULL for the command line and the demo loader. Returns the delivery's id,
 * or 0 with errors in fe naming the field (urn, module, year_group, delivered_on, pupils_reached,
 * session); 0 with no errors means the database failed (inside a caller's transaction, the caller
 * must then roll back). Needs the catalogue loaded. */
int64_t deliveries_record(struct db *db, const struct user *actor, const struct delivery_input *in,
			  struct form_errors *fe);

/* A delivery in the API's shape (spec §9), or NULL if there is none. */
json_t *deliveries_json(struct db *db, int64_t id);
/* "14 October 2025" for a stored "2025-10-14" (in the arena); the text itself if it is not a date. */
const char *deliveries_date_human(struct arena *a, const char *ymd);
/* The module's title, or its id when the catalogue no longer has it. */
const char *deliveries_module_title(const char *module_id);

/* A table of a setting's deliveries, newest first: all of them, or those in period. */
void deliveries_table(const struct req *r, struct resp *o, const char *urn, const struct period *period);

int deliveries_new_page(const struct req *r, struct resp *o);
int deliveries_create(const struct req *r, struct resp *o);
int deliveries_api_create(const struct req *r, struct resp *o);

#endif
