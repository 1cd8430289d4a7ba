/* training_record.h — a practitioner's training record as data: each attendance with its
 * certificate, its evaluation and the refresher it implies, and the bookings that are over (the
 * session has passed or was cancelled, or the booking was). Rules only: booking_pages.c shows them
 * and gives them to the API. */
#ifndef LANTERN_TRAINING_RECORD_H
#define LANTERN_TRAINING_RECORD_H

#include <stdbool.h>
#include <stdint.h>

struct db;
struct arena;

enum certificate_state { CERTIFICATE_ISSUED, CERTIFICATE_WITHDRAWN, CERTIFICATE_AFTER_SESSION, CERTIFICATE_PREPARING };
enum evaluation_state {
	EVALUATION_AFTER_SESSION, /* the session has not ended */
	EVALUATION_OPEN,          /* they may answer until closes_at */
	EVALUATION_SENT,
	EVALUATION_CLOSED, /* the window passed without an answer */
};
enum refresher_state { REFRESHER_NONE, REFRESHER_CURRENT, REFRESHER_DUE_SOON, REFRESHER_OVERDUE };

struct training_entry {
	int64_t booking;
	const char *course_id, *title; /* title NULL for a course no longer in the catalogue */
	int64_t starts_at, ends_at;
	const char *status; /* attended, late or partial */
	enum certificate_state certificate;
	int64_t certificate_withdrawn_at;
	enum evaluation_state evaluation;
	int64_t evaluation_closes_at;
	enum refresher_state refresher; /* only the latest attendance of a course has one */
	int64_t refresher_due;
};

/* The user's attendances, newest first, at time now: up to 500, in *out (allocated in a). Returns
 * how many. */
int training_record(struct db *db, struct arena *a, int64_t user_id, int64_t now, struct training_entry **out);
/* The API's names: "issued", "withdrawn", "after-the-session", "being-prepared"; "after-the-session",
 * "open", "sent", "closed"; "current", "due-soon", "overdue" (NULL for none). */
const char *training_certificate_name(enum certificate_state s);
const char *training_evaluation_name(enum evaluation_state s);
const char *training_refresher_name(enum refresher_state s);
/* The date refresher training falls due: the session's end plus the course's interval in months. */
int64_t training_refresher_due(int64_t ended, int months);
/* Whether a refresher due then is overdue or falls due within 60 days of now. */
enum refresher_state training_refresher_state(int64_t due, int64_t now);

/* A booking that is over: its session has passed or was cancelled, or the booking was cancelled. */
struct past_booking {
	int64_t booking, session;
	const char *course_id;
	int64_t starts_at;
	const char *status; /* as stored: booked, waitlisted, cancelled or a mark */
	/* What became of it: attended, late, partial, absent, excused, cancelled (the booking),
	 * session-cancelled, not-marked (had a place, no mark yet), no-place (still waiting at the end). */
	const char *outcome;
};

/* The user's bookings that are over, newest session first, up to 200, in *out (allocated in a). */
int training_past_bookings(struct db *db, struct arena *a, int64_t user_id, int64_t now, struct past_booking **out);

#endif
