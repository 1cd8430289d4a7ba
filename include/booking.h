/* booking.h — the booking rules of spec §4: capacity is never exceeded, the waiting list is
 * first-come first-served, cancellations promote, one live booking per person per session,
 * booking windows and cancellation cut-offs, reserved places per sector. Each operation is one
 * BEGIN IMMEDIATE transaction that also writes its notifications to the outbox. */
#ifndef LANTERN_BOOKING_H
#define LANTERN_BOOKING_H

#include <stdbool.h>
#include <stdint.h>

struct db;
struct arena;
struct user;
struct session;

struct booking_result {
	int http;            /* 200/201 on success, else the status to answer */
	const char *error;   /* what went wrong, for people */
	const char *field;   /* the field at fault, if any */
	int64_t id;          /* the booking */
	int64_t session_id;  /* its session */
	const char *status;  /* booked or waitlisted (or cancelled after a cancel) */
	int position;        /* waiting-list position, 0 when booked */
	bool overlap;        /* the person already has a booked session at that time */
	int promoted;        /* on cancel: how many were moved off the waiting list */
};

/* Books user_id onto the session. actor is the practitioner themself or an admin. */
void booking_book(struct db *db, struct arena *a, int64_t session_id, int64_t user_id, const struct user *actor,
		  struct booking_result *out);
/* Cancels a booking (its owner, or an admin) and promotes from the waiting list. */
void booking_cancel(struct db *db, struct arena *a, int64_t booking_id, const struct user *actor,
		    struct booking_result *out);
/* Whether actor may cancel the booking now, without cancelling it (for the page that asks first):
 * out->http is 200, or the status and error booking_cancel would give. Fills out->session_id and
 * out->status (booked or waitlisted), s (the session) and *user_id (whose booking it is). */
void booking_cancel_check(struct db *db, struct arena *a, int64_t booking_id, const struct user *actor,
			  struct booking_result *out, struct session *s, int64_t *user_id);
/* Cancels a session and every live booking on it, notifying each person. */
void booking_cancel_session(struct db *db, struct arena *a, int64_t session_id, const struct user *actor,
			    struct booking_result *out);
/* Fills free places from the waiting list (after a capacity rise or a reserve release); call
 * inside a transaction. Returns how many were promoted. */
int booking_fill(struct db *db, struct arena *a, int64_t session_id);
/* After a session was changed (old: as it was before): when it moved to another date or time, or to
 * another venue, and has not ended, everyone booked or waiting on it is told, with their calendar
 * entry brought up to date. Call inside a transaction. Returns how many were told. */
int booking_tell_changed(struct db *db, struct arena *a, const struct session *old);
enum { BOOKING_RELEASE_BATCH = 100 };
/* Releases lapsed sector reservations, each once, never to be looked at again: those with nobody to
 * promote all at once; those with people waiting for free places the oldest first, at most
 * BOOKING_RELEASE_BATCH a call, their places going to the waiting list. A safety net run by the server
 * every few seconds: a booking releases a lapsed reservation it finds itself, before it is decided.
 * Returns how many were promoted. */
int booking_release_due(struct db *db, struct arena *a);
/* 1-based waiting-list position of a waitlisted booking, 0 otherwise. */
int booking_position(struct db *db, int64_t booking_id);

#endif
