/* outbox.h — notifications, written in the same transaction as the change that caused them and
 * handed to the system's mail command later. */
#ifndef LANTERN_OUTBOX_H
#define LANTERN_OUTBOX_H

#include <stdint.h>

struct db;

struct outbox_message {
	const char *to;
	const char *subject;
	const char *body;
	const char *attachment_name; /* optional, e.g. "session.ics" */
	const char *attachment_type; /* e.g. "text/calendar; method=REQUEST" */
	const char *attachment;
	/* Or a session's calendar entry, written when the message is handed over, from the session as it
	 * is then (queuing a message stays cheap inside the caller's transaction): */
	int64_t calendar_session;    /* 0: none */
	const char *calendar_status; /* "confirmed", "tentative" or "cancelled" (method=CANCEL) */
	const char *calendar_title;  /* the entry's title, already chosen for discretion */
};

/* Queues a message; returns 0 or -1. Call inside the caller's transaction. */
int outbox_put(struct db *db, const struct outbox_message *m);
/* Sends queued messages with the mail command (argv[0] of a sendmail-compatible program, run
 * with -t -i); with no command they stay queued. Returns how many were sent. */
int outbox_flush(struct db *db, const char *sendmail);
/* `lantern outbox`: every message to one address (all when to is NULL), oldest first, as JSON on stdout,
 * each as it is (or was) handed to the mail command, calendar entries written. Returns 0, or 1 on
 * a database error. */
int outbox_print(struct db *db, const char *to);

#endif
