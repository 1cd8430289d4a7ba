/* venues.h — kept venues (issue 15): a session's venue is chosen from these or added as a new one.
 * A venue is one name at one postcode, however they were typed. A session keeps its own copy of
 * the venue's details (sessions.h) and the id of the venue it was at. Rules only: the choice on the
 * session form and the API routes live in venue_pages.c. */
#ifndef LANTERN_VENUES_H
#define LANTERN_VENUES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct arena;
struct form_errors;
struct session;
struct session_input;

enum { VENUES_LISTED_MAX = 1000 }; /* far above any programme's venues: a list to choose from */

struct venue {
	int64_t id;
	const char *name, *address, *postcode, *access, *area; /* access may be NULL */
	int64_t to_come; /* its scheduled sessions not yet ended (venues_list, when asked) */
};

/* A venue's details as a person corrects them; NULL keeps what the venue has. */
struct venue_input {
	const char *name, *address, *postcode, *access, *area;
};

bool venues_load(struct db *db, struct arena *a, int64_t id, struct venue *v);
/* Every venue by name (at most VENUES_LISTED_MAX), in the arena, with to_come counted when asked;
 * returns the count. */
size_t venues_list(struct db *db, struct arena *a, bool to_come, struct venue **out);
/* How many of its sessions are scheduled and not yet ended. */
int64_t venues_to_come(struct db *db, int64_t id);
/* The venue with this name at this postcode (spaces and case aside), or 0. */
int64_t venues_find(struct db *db, const char *name, const char *postcode);
/* A kept venue of this name (spaces and case aside), the oldest if several; 0 if none. */
int64_t venues_named(struct db *db, const char *name);
/* The kept venue for a session's validated details: the known one with that name and postcode, or a
 * new one. Call inside the caller's write transaction. Returns its id, or 0 if the database failed. */
int64_t venues_keep(struct db *db, const char *name, const char *address, const char *postcode, const char *access,
		    const char *area, int64_t now);
/* The form's choice, "saved" or "new", as sent (in->venue_choice) or, when no radio was ticked, as
 * the fields make plain: a venue from the list and no new name, or the other way round; "" when
 * they do not. Not allocated. */
const char *venues_choice_from(const struct session_input *in);
/* Where a session's input names a kept venue (in->venue_id, unless in->venue_choice is "new"),
 * copies its details into the input, so the usual checks and the session's own copy see them
 * (access notes sent through the API with a venue id are kept). An unknown id is an error naming venue_id, a form
 * that chose nothing one naming venue. Strings go in the arena. in->venue_choice is NULL from the
 * API, where a venue id wins over a venue's details. */
void venues_resolve(struct db *db, struct arena *a, struct session_input *in, struct form_errors *fe);
json_t *venue_json(const struct venue *v);
/* Corrects kept venue id (an admin's), and the copies its sessions to come hold, in one transaction:
 * their name, address, postcode and area (a pupil session keeps its school's), and their access notes
 * where they were the venue's own. *moved gets those sessions as they were (in a), for their people to
 * be told (booking_tell_changed). False with fe naming the field at fault ("id": no such venue), or
 * with none when the database failed. */
bool venues_save(struct db *db, struct arena *a, int64_t actor, int64_t id, const struct venue_input *in,
		 struct form_errors *fe, struct session **moved, int *nmoved);

#endif
