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
/* When trainers may start taking a session's attendance: 30 minutes before it starts. */
int64_t attendance_opens_at(const struct session *s);

/* Why a mark was refused: a sentence, and the field at fault ("status", "minutes_attended") or NULL. */
struct mark_error {
	const char *message, *field;
};
/* Sets a booking's attendance in its own transaction, auditing old and new. minutes: for partial
 * (left early) the minutes attended, from 1 to the session's length; for other marks NULL or "".
 * Someone marked as there is noted for the certificate and evaluation request that the server's
 * duty sends once the session has ended (certificates_issue_due). Returns 0 or an HTTP status with
 * *e set. */
int attendance_mark(struct db *db, struct arena *a, const struct user *actor, int64_t booking_id, const char *status,
		    const char *minutes, struct mark_error *e);
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
