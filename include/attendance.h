/* attendance.h — marking who came: the roster, walk-ins, the audit trail of every change, the
 * printable sign-in sheet and its bulk entry, pupil head-counts, and the attendance CSV. */
#ifndef LANTERN_ATTENDANCE_H
#define LANTERN_ATTENDANCE_H

#include <stdbool.h>
#include <stdint.h>

#include "req.h"
#include "resp.h"

struct db;
struct arena;
struct user;
struct session;

/* attended, late, partial, absent or excused */
bool attendance_status_valid(const char *s);
/* Those that count as having been there (O5.2, certificates, training records). */
bool attendance_present(const char *status);
/* Trainers and admins may take attendance from 30 minutes before the start; admins at any time. */
bool attendance_open(const struct session *s, const struct user *actor, int64_t now);

/* Sets a booking's attendance in its own transaction, auditing old and new; on a first presence
 * queues the evaluation e-mail (links built on site_base_url). Returns 0 or an HTTP status with
 * *error set. */
int attendance_mark(struct db *db, struct arena *a, const struct user *actor, int64_t booking_id, const char *status,
		    const char **error);
/* Adds a walk-in (an existing practitioner) as attended; returns the booking id, or 0 with
 * *error. Someone already booked is simply marked attended. */
int64_t attendance_walk_in(struct db *db, struct arena *a, const struct user *actor, int64_t session_id,
			   int64_t user_id, const char **error);

int attendance_roster_page(const struct req *r, struct resp *o);
int attendance_mark_post(const struct req *r, struct resp *o);
int attendance_mark_all_post(const struct req *r, struct resp *o);
int attendance_walk_in_post(const struct req *r, struct resp *o);
int attendance_sheet_page(const struct req *r, struct resp *o);
int attendance_marks_page(const struct req *r, struct resp *o);
int attendance_marks_post(const struct req *r, struct resp *o);
int attendance_csv(const struct req *r, struct resp *o);
int attendance_headcount_post(const struct req *r, struct resp *o);
int attendance_api_mark(const struct req *r, struct resp *o);
int attendance_api_headcount(const struct req *r, struct resp *o);
int attendance_api_walk_in(const struct req *r, struct resp *o);

#endif
