/* sessions.h — face-to-face sessions: one delivery of a course (or of a module, for pupils).
 * Loading, validation and saving are shared by the web pages and the API. */
#ifndef LANTERN_SESSIONS_H
#define LANTERN_SESSIONS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "html.h"
#include "req.h"
#include "resp.h"

struct db;
struct db_stmt;
struct arena;

enum { SESSION_MAX_TRAINERS = 8 };

struct session {
	int64_t id;
	const char *course_id;
	const char *module_id; /* NULL unless a pupil session of one module */
	int64_t starts_at, ends_at;
	int capacity;
	const char *venue_name, *venue_address, *venue_postcode, *venue_room, *venue_access;
	const char *area;
	int64_t venue_id; /* the kept venue (venues.h); 0 for sessions written without one */
	int64_t booking_opens_at, booking_closes_at, cancel_cutoff_at; /* 0: none */
	const char *reserved_sector;                                   /* NULL: no reserved places */
	int reserved_places;
	int64_t reserved_until;
	const char *school_urn; /* pupil sessions */
	int year_group;         /* 0: none */
	int pupils_expected;    /* -1: none */
	const char *status;     /* as stored: scheduled or cancelled */
	int booked, waitlisted;
	int reserved_booked;          /* booked places taken by the reserved sector (kept by triggers: 022) */
	int64_t reserve_released_at;  /* 0 until a lapsed reservation's places went to the waiting list */
	int ntrainers;
	int64_t trainer_ids[SESSION_MAX_TRAINERS];
	const char *trainer_emails[SESSION_MAX_TRAINERS];
	const char *trainer_names[SESSION_MAX_TRAINERS];
};

/* The columns sessions_from_row() reads, in its order, for a query over "sessions s". */
#define SESSION_COLUMNS                                                                                              \
	"s.id, s.course_id, s.module_id, s.starts_at, s.ends_at, s.capacity, s.venue_name, s.venue_address,"            \
	" s.venue_postcode, s.venue_room, s.venue_access, s.area, coalesce(s.booking_opens_at, 0),"                     \
	" coalesce(s.booking_closes_at, 0), coalesce(s.cancel_cutoff_at, 0), s.reserved_sector, s.reserved_places,"      \
	" coalesce(s.reserved_until, 0), s.school_urn, coalesce(s.year_group, 0), coalesce(s.pupils_expected, -1),"      \
	" s.status, s.booked, s.waitlisted, s.reserved_booked, coalesce(s.reserve_released_at, 0),"              \
	" coalesce(s.venue_id, 0)"

/* Fills s (without trainers) from a row that starts with SESSION_COLUMNS; strings go in the arena.
 * Returns how many columns it read: the index of a query's own first column after them. */
int sessions_from_row(struct db_stmt *st, struct arena *a, struct session *s);
/* Adds the session's trainers to s. */
void sessions_load_trainers(struct db *db, struct arena *a, struct session *s);
/* The same for each of n sessions, in one statement. */
void sessions_load_trainers_list(struct db *db, struct arena *a, struct session *list, int n);
/* Loads a session with its counts and trainers into the arena; false if there is none. */
bool sessions_load(struct db *db, struct arena *a, int64_t id, struct session *s);
/* The same without the trainers (ntrainers 0), for a transaction that does not need them. */
bool sessions_find(struct db *db, struct arena *a, int64_t id, struct session *s);
/* scheduled, cancelled, or delivered once its end has passed. */
const char *session_status(const struct session *s, int64_t now);
bool session_is_trainer(const struct session *s, int64_t user_id);
/* Reserved places are still held for their sector at time now. */
bool session_reserve_active(const struct session *s, int64_t now);
/* Reserved places still held and not yet taken by their sector. */
int session_places_held(const struct session *s, int64_t now);
/* Places left that someone of this sector (NULL: none) may take: a held place counts only for the
 * sector it is held for. */
int session_places_for(const struct session *s, const char *sector, int64_t now);
/* The sector of a practitioner's organisation, as read with the sign-in; NULL for anyone else. */
const char *sessions_viewer_sector(const struct user *u);
/* The session in the API's shape (spec §9), with seats_left as the viewer of that sector sees it. */
json_t *session_json(const struct session *s, int64_t now, const char *viewer_sector);
/* The course title, with the module's for a pupil session of one module; in a. */
const char *session_course_title(struct arena *a, const struct session *s);
/* "Thursday 5 March 2026, 9:30am to 1pm": the end repeats the date only when it differs; in a. */
const char *session_when_text(struct arena *a, int64_t start, int64_t end);
/* The title people see in notifications and calendars: the course title, or a neutral one. */
const char *session_title(const struct session *s, bool show_course_name);

/* Text fields of a create or edit, from a form or JSON (NULL: not given). Times are local
 * "YYYY-MM-DDTHH:MM" or ISO 8601 with an offset. trainers is a comma-separated list of emails. */
struct session_input {
	const char *course, *module, *starts_at, *ends_at, *capacity;
	const char *venue_name, *venue_address, *venue_postcode, *venue_room, *venue_access, *area;
	/* A kept venue (venues.h) whose details replace the venue fields above; venue_choice is the
	 * form's "saved" or "new" (a new venue ignores venue_id), NULL from the API. */
	const char *venue_id, *venue_choice;
	const char *trainers;
	const char *school, *year_group, *pupils_expected;
	const char *booking_opens_at, *booking_closes_at, *cancel_cutoff_at;
	const char *reserved_sector, *reserved_places, *reserved_until;
};

/* Reads a session_input from the request (form fields or a JSON object; a JSON "trainers" array
 * and a "venue" object are flattened). */
void sessions_input_from(const struct req *r, struct session_input *in);
/* Validates and writes (id 0 creates). Returns the session id, or 0 with errors in fe naming the
 * field. Admins may create sessions in the past (historic records); trainers may not. */
int64_t sessions_save(struct db *db, struct arena *a, const struct user *actor, int64_t id,
		      const struct session_input *in, struct form_errors *fe);

#endif
