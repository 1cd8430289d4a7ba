/* training_record.c — what a practitioner has attended (with each certificate, evaluation and the
 * refresher it implies) and what became of their bookings that are over. One reading of the rules
 * for the training record page, "Your bookings" and the API. */
#include "training_record.h"

#include <string.h>
#include <time.h>

#include "catalog.h"
#include "db.h"
#include "disclosure.h"
#include "util.h"

enum { RECORD_MAX = 500, PAST_MAX = 200, SEEN_MAX = 64, DUE_SOON_DAYS = 60 };

static const char SQL_ATTENDED[] =
	"SELECT s.course_id, s.starts_at, s.ends_at, b.status, b.id, c.booking_id IS NOT NULL, coalesce(c.withdrawn_at, 0),"
	" EXISTS (SELECT 1 FROM evaluations e WHERE e.booking_id = b.id)"
	" FROM bookings b JOIN sessions s ON s.id = b.session_id LEFT JOIN certificates c ON c.booking_id = b.id"
	" WHERE b.user_id = ? AND b.status IN ('attended', 'late', 'partial') ORDER BY s.starts_at DESC LIMIT ?";

int64_t training_refresher_due(int64_t ended, int months)
{
	time_t t = (time_t)ended;
	struct tm tm;
	localtime_r(&t, &tm);
	tm.tm_mon += months;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

enum refresher_state training_refresher_state(int64_t due, int64_t now)
{
	return due < now ? REFRESHER_OVERDUE : due < now + DUE_SOON_DAYS * 86400 ? REFRESHER_DUE_SOON : REFRESHER_CURRENT;
}

/* The evaluation opens when the session ends and closes when its results may be released
 * (disclosure.h); evaluations.c refuses answers outside that window by the same rule. */
static enum evaluation_state evaluation_state(int64_t ends, bool sent, int64_t now, int64_t *closes)
{
	*closes = disclosure_evaluations_close(ends);
	if (sent)
		return EVALUATION_SENT;
	if (now < ends)
		return EVALUATION_AFTER_SESSION;
	return now < *closes ? EVALUATION_OPEN : EVALUATION_CLOSED;
}

int training_record(struct db *db, struct arena *a, int64_t user_id, int64_t now, struct training_entry **out)
{
	struct training_entry *list = arena_alloc(a, RECORD_MAX * sizeof *list);
	const char *seen[SEEN_MAX];
	int n = 0, nseen = 0;
	struct db_stmt *st = db_query(db, SQL_ATTENDED, "Ii", user_id, RECORD_MAX);
	while (n < RECORD_MAX && db_next(st)) {
		struct training_entry *e = &list[n++];
		memset(e, 0, sizeof *e);
		e->course_id = arena_strdup(a, db_col_text(st, 0));
		const struct course *c = catalog_course(e->course_id);
		e->title = c ? c->title : NULL;
		e->starts_at = db_col_int64(st, 1);
		e->ends_at = db_col_int64(st, 2);
		e->status = arena_strdup(a, db_col_text(st, 3));
		e->booking = db_col_int64(st, 4);
		e->certificate_withdrawn_at = db_col_int64(st, 6);
		e->certificate = e->certificate_withdrawn_at ? CERTIFICATE_WITHDRAWN
				 : db_col_int(st, 5)	     ? CERTIFICATE_ISSUED
				 : now < e->ends_at	     ? CERTIFICATE_AFTER_SESSION
							     : CERTIFICATE_PREPARING;
		e->evaluation = evaluation_state(e->ends_at, db_col_int(st, 7) != 0, now, &e->evaluation_closes_at);
		/* Newest first, so the first attendance of a course seen is its latest: only it sets the due date. */
		bool latest = true;
		for (int i = 0; i < nseen; i++)
			latest = latest && strcmp(seen[i], e->course_id) != 0;
		if (latest && nseen < SEEN_MAX)
			seen[nseen++] = e->course_id;
		if (c && c->refresher_months && latest) {
			e->refresher_due = training_refresher_due(e->ends_at, c->refresher_months);
			e->refresher = training_refresher_state(e->refresher_due, now);
		}
	}
	db_done(st);
	*out = list;
	return n;
}

const char *training_certificate_name(enum certificate_state s)
{
	static const char *const names[] = {[CERTIFICATE_ISSUED] = "issued", [CERTIFICATE_WITHDRAWN] = "withdrawn",
					    [CERTIFICATE_AFTER_SESSION] = "after-the-session",
					    [CERTIFICATE_PREPARING] = "being-prepared"};
	return names[s];
}

const char *training_evaluation_name(enum evaluation_state s)
{
	static const char *const names[] = {[EVALUATION_AFTER_SESSION] = "after-the-session", [EVALUATION_OPEN] = "open",
					    [EVALUATION_SENT] = "sent", [EVALUATION_CLOSED] = "closed"};
	return names[s];
}

const char *training_refresher_name(enum refresher_state s)
{
	static const char *const names[] = {[REFRESHER_NONE] = NULL, [REFRESHER_CURRENT] = "current",
					    [REFRESHER_DUE_SOON] = "due-soon", [REFRESHER_OVERDUE] = "overdue"};
	return names[s];
}

/* Over: the booking was cancelled, the session was, or the session has ended. */
static const char SQL_PAST[] =
	"SELECT b.id, s.id, s.course_id, s.starts_at, b.status,"
	/* Cancelling a session cancels its bookings: those cancelled earlier were the person's own doing. */
	" CASE WHEN s.status = 'cancelled' AND (b.status <> 'cancelled' OR b.cancelled_at >= s.cancelled_at)"
	" THEN 'session-cancelled' WHEN b.status = 'cancelled' THEN 'cancelled'"
	" WHEN b.status = 'booked' THEN 'not-marked' WHEN b.status = 'waitlisted' THEN 'no-place' ELSE b.status END"
	" FROM bookings b JOIN sessions s ON s.id = b.session_id"
	" WHERE b.user_id = ?1 AND (b.status NOT IN ('booked', 'waitlisted') OR s.status = 'cancelled' OR s.ends_at <= ?2)"
	" ORDER BY s.starts_at DESC, b.id DESC LIMIT ?3";

int training_past_bookings(struct db *db, struct arena *a, int64_t user_id, int64_t now, struct past_booking **out)
{
	struct past_booking *list = arena_alloc(a, PAST_MAX * sizeof *list);
	int n = 0;
	struct db_stmt *st = db_query(db, SQL_PAST, "IIi", user_id, now, PAST_MAX);
	while (n < PAST_MAX && db_next(st)) {
		list[n++] = (struct past_booking){.booking = db_col_int64(st, 0), .session = db_col_int64(st, 1),
						  .course_id = arena_strdup(a, db_col_text(st, 2)), .starts_at = db_col_int64(st, 3),
						  .status = arena_strdup(a, db_col_text(st, 4)),
						  .outcome = arena_strdup(a, db_col_text(st, 5))};
	}
	db_done(st);
	*out = list;
	return n;
}
