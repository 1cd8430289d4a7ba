/* ics.h — iCalendar (RFC 5545) for sessions, written with libical: e-mail attachments and the
 * personal calendar feed. */
#ifndef LANTERN_ICS_H
#define LANTERN_ICS_H

#include <stdbool.h>

struct session;

enum ics_method { ICS_PUBLISH, ICS_REQUEST, ICS_CANCEL };

struct ics_event {
	const struct session *session;
	const char *title; /* already chosen for discretion by the caller */
	bool cancelled;    /* the booking or the session is off */
	bool tentative;    /* on the waiting list */
};

/* A VCALENDAR holding the events; malloc'd text (CRLF line endings), caller frees. */
char *ics_calendar(enum ics_method method, const struct ics_event *events, int n);

#endif
