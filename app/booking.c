/* booking.c — booking, cancelling, promotion and session cancellation. The capacity check and
 * the write it guards happen in one BEGIN IMMEDIATE transaction, so the last place goes to
 * exactly one person however many ask at once; a partial UNIQUE index backs the one-live-booking
 * rule. Notifications are queued in the same transaction, so none is sent for a change that
 * did not happen. */
#include "booking.h"

#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "db.h"
#include "outbox.h"
#include "sessions.h"
#include "site.h"

static const char SQL_BOOKER[] = "SELECT u.email, u.role, u.active, o.sector, u.show_course_names"
				 " FROM users u LEFT JOIN organisations o ON o.id = u.org_id WHERE u.id = ?";
static const char SQL_INSERT[] = "INSERT INTO bookings (session_id, user_id, sector, status, created_at, booked_at, booked_by)"
				 " VALUES (?, ?, ?, ?, ?, nullif(?, 0), ?)";
static const char SQL_POSITION[] = "SELECT count(*) FROM bookings w JOIN bookings b ON b.session_id = w.session_id"
				   " WHERE b.id = ?1 AND b.status = 'waitlisted' AND w.status = 'waitlisted' AND w.id <= b.id";
/* The person's other booked sessions that overlap [?4, ?3): looked for among the sessions starting in that
 * window less the longest session (session_span, migration 007), a handful, rather than among every
 * booking the person ever made. */
static const char SQL_OVERLAP[] = "SELECT count(*) FROM sessions s WHERE s.starts_at < ?3"
				  " AND s.starts_at >= ?4 - (SELECT longest FROM session_span) AND s.ends_at > ?4"
				  " AND s.status = 'scheduled' AND s.id <> ?2 AND EXISTS (SELECT 1 FROM bookings b"
				  " WHERE b.session_id = s.id AND b.status = 'booked' AND b.user_id = ?1)";
static const char SQL_BOOKING[] = "SELECT session_id, user_id, status FROM bookings WHERE id = ?";
static const char SQL_SET_STATUS[] = "UPDATE bookings SET status = ?, cancelled_at = nullif(?, 0) WHERE id = ?";
static const char SQL_WAITING[] = "SELECT b.id, b.user_id, coalesce(b.sector, '') FROM bookings b"
				  " WHERE b.session_id = ? AND b.status = 'waitlisted' ORDER BY b.id";
static const char SQL_PROMOTE[] = "UPDATE bookings SET status = 'booked', booked_at = ? WHERE id = ? AND status = 'waitlisted'";
static const char SQL_CANCEL_SESSION[] = "UPDATE sessions SET status = 'cancelled', cancelled_at = ? WHERE id = ?";
static const char SQL_LIVE_BOOKINGS[] = "SELECT id, user_id, status FROM bookings WHERE session_id = ?"
					" AND status IN ('booked', 'waitlisted') ORDER BY id";
/* Lapsed reservations not yet released, oldest first, through the partial index sessions_reserve_due
 * (migration 011): a released one leaves the index, so the duty never looks at it again. */
static const char SQL_RELEASE_DUE[] = "SELECT id FROM sessions WHERE reserved_places > 0 AND reserve_released_at IS NULL"
				      " AND reserved_until <= ? ORDER BY reserved_until, id LIMIT ?";
static const char SQL_RELEASED[] = "UPDATE sessions SET reserve_released_at = ? WHERE id = ?"
				   " AND reserve_released_at IS NULL";
/* Lapsed reservations with nobody to promote: no one waiting, no place free, or the session over. */
static const char SQL_RELEASE_IDLE[] = "UPDATE sessions SET reserve_released_at = ?1 WHERE reserved_places > 0"
				       " AND reserve_released_at IS NULL AND reserved_until <= ?1 AND (waitlisted = 0"
				       " OR booked >= capacity OR status <> 'scheduled' OR ends_at <= ?1)";

static void fail(struct booking_result *out, int http, const char *error, const char *field)
{
	out->http = http;
	out->error = error;
	out->field = field;
}

/* Commits the operation's transaction and reports it done, or busy if the commit failed. */
static void commit(struct db *db, struct booking_result *out, int http, int64_t id, const char *status)
{
	if (db_commit(db) != DB_OK) {
		fail(out, 503, "The service is busy; try again in a moment.", NULL);
		return;
	}
	out->http = http;
	out->id = id;
	out->status = status;
}

struct booker {
	const char *email;
	int role;
	bool active;
	const char *sector;
	bool show_course_names;
};

static bool load_booker(struct db *db, struct arena *a, int64_t user_id, struct booker *b)
{
	struct db_stmt *st = db_query(db, SQL_BOOKER, "I", user_id);
	bool found = db_next(st);
	if (found) {
		b->email = arena_strdup(a, db_col_text(st, 0));
		b->role = role_parse(db_col_text(st, 1));
		b->active = db_col_int(st, 2) != 0;
		b->sector = arena_strdup(a, db_col_text(st, 3));
		b->show_course_names = db_col_int(st, 4) != 0;
	}
	db_done(st);
	return found;
}

int booking_position(struct db *db, int64_t booking_id)
{
	return (int)db_int(db, 0, SQL_POSITION, "I", booking_id);
}

static void notify(struct db *db, struct arena *a, const struct session *s, const struct booker *b, const char *what,
		   const char *body, const char *calendar_status)
{
	const char *title = session_title(s, b->show_course_names);
	char when[80];
	time_human(s->starts_at, when, sizeof when);
	struct outbox_message m = {
		.to = b->email,
		.subject = arena_printf(a, "%s: %s, %s", what, title, when),
		.body = arena_printf(a, "%s\n\n%s\n%s\n%s, %s %s\n\nThe session: %s/sessions/%lld\nYour bookings: %s/bookings",
				     body, title, when, s->venue_name, s->venue_address, s->venue_postcode, site_base_url(),
				     (long long)s->id, site_base_url()),
		.calendar_session = s->id,
		.calendar_status = calendar_status,
		.calendar_title = title,
	};
	outbox_put(db, &m);
}

static const char *id_text(struct arena *a, int64_t id)
{
	return arena_printf(a, "%lld", (long long)id);
}

/* Marks a lapsed reservation released (its places are everyone's now), once. */
static bool release_if_lapsed(struct db *db, struct session *s, int64_t now)
{
	if (s->reserved_places == 0 || s->reserve_released_at || s->reserved_until == 0 || now < s->reserved_until)
		return true;
	if (db_exec(db, SQL_RELEASED, "II", now, s->id) != DB_OK)
		return false;
	s->reserve_released_at = now;
	return true;
}

/* The waiting list comes before a newcomer: places freed since anyone last looked (a reservation that
 * lapsed a moment ago, a capacity rise) go to the people waiting, in the order they joined, inside the
 * newcomer's transaction. s is read again if anyone moved. False if the database failed. */
static bool serve_waiting_list(struct db *db, struct arena *a, struct session *s, int64_t now)
{
	if (!release_if_lapsed(db, s, now))
		return false;
	if (s->waitlisted == 0 || s->booked >= s->capacity || strcmp(s->status, "scheduled") != 0)
		return true;
	return booking_fill(db, a, s->id) == 0 || sessions_find(db, a, s->id, s);
}

void booking_book(struct db *db, struct arena *a, int64_t session_id, int64_t user_id, const struct user *actor,
		  struct booking_result *out)
{
	memset(out, 0, sizeof *out);
	bool admin = actor->role == ROLE_ADMIN;
	/* The person is read before the writer is taken (a round trip less inside it on PostgreSQL): a
	 * change made to them at the same moment counts as made just after the booking. */
	struct booker b = {0};
	bool bookable = load_booker(db, a, user_id, &b) && b.role == ROLE_PRACTITIONER && b.active;
	if (db_begin(db) != DB_OK)
		return fail(out, 503, "The service is busy; try again in a moment.", NULL);
	int64_t now = now_utc();
	struct session s;
	if (!sessions_find(db, a, session_id, &s)) {
		fail(out, 404, "There is no such session.", NULL);
		goto out;
	}
	if (!bookable) {
		fail(out, 422, "Only an active practitioner can be booked onto a session.", "email");
		goto out;
	}
	if (strcmp(s.status, "cancelled") == 0) {
		fail(out, 409, "This session has been cancelled.", NULL);
		goto out;
	}
	if (s.school_urn) {
		fail(out, 409, "This is a school session for pupils; it is not booked by practitioners.", NULL);
		goto out;
	}
	/* Admins may enter historic records; everyone else books within the window. */
	if (!admin) {
		char when[80];
		if (s.starts_at <= now) {
			fail(out, 409, "This session has already started, so it can no longer be booked.", NULL);
			goto out;
		}
		if (s.booking_opens_at && now < s.booking_opens_at) {
			time_human(s.booking_opens_at, when, sizeof when);
			fail(out, 409, arena_printf(a, "Booking for this session opens on %s.", when), NULL);
			goto out;
		}
		if (s.booking_closes_at && now >= s.booking_closes_at) {
			time_human(s.booking_closes_at, when, sizeof when);
			fail(out, 409, arena_printf(a, "Booking for this session closed on %s.", when), NULL);
			goto out;
		}
	}
	if (!serve_waiting_list(db, a, &s, now)) {
		fail(out, 503, "The service is busy; try again in a moment.", NULL);
		goto out;
	}
	bool seat = session_places_for(&s, b.sector, now) > 0;
	out->status = seat ? "booked" : "waitlisted";
	/* A historic record an admin enters held its place from before the start (O5.3 counts
	 * bookings live at the start). */
	int64_t booked_at = seat ? (now < s.starts_at ? now : s.starts_at) : 0;
	/* One live booking per person per session: the partial UNIQUE index refuses a second, which saves
	 * looking first. */
	enum db_rc rc = db_exec(db, SQL_INSERT, "IIssIII", session_id, user_id, b.sector, out->status, now, booked_at,
				actor->id);
	if (rc == DB_CONSTRAINT) {
		fail(out, 409,
		     admin ? "That practitioner already has a booking for this session."
			   : "You already have a booking for this session.",
		     "email");
		goto out;
	}
	if (rc != DB_OK) {
		fail(out, 503, "The service is busy; try again in a moment.", NULL);
		goto out;
	}
	out->id = db_last_id(db);
	/* The newest booking has the highest id, so it joins the end of the list (s.waitlisted is the
	 * session's count before it, kept by migration 007's triggers). */
	out->position = seat ? 0 : s.waitlisted + 1;
	audit(db, actor->id, "booking", id_text(a, out->id), "create", NULL, out->status);
	if (seat)
		notify(db, a, &s, &b, "Booking confirmed", "Your place is booked.", "confirmed");
	else
		notify(db, a, &s, &b, "On the waiting list",
		       arena_printf(a, "The session is full. You are number %d on the waiting list; we will tell you if a "
				       "place comes free.",
				    out->position),
		       "tentative");
	commit(db, out, 201, out->id, out->status);
	/* A warning, not a rule: read after the commit, so the writer is not held for it. */
	if (out->http == 201)
		out->overlap = db_int(db, 0, SQL_OVERLAP, "IIII", user_id, session_id, s.ends_at, s.starts_at) > 0;
	return;
out:
	db_rollback(db);
}

/* Promotes the earliest eligible people on the waiting list into free places. */
int booking_fill(struct db *db, struct arena *a, int64_t session_id)
{
	struct session s;
	if (!sessions_load(db, a, session_id, &s) || strcmp(s.status, "cancelled") == 0)
		return 0;
	int64_t now = now_utc();
	if (s.ends_at <= now || s.booked >= s.capacity)
		return 0;
	/* Collect first: promoting while the statement is open would change what it reads. */
	int64_t ids[256], users[256];
	const char *sectors[256];
	int n = 0;
	struct db_stmt *st = db_query(db, SQL_WAITING, "I", session_id);
	while (n < 256 && db_next(st)) {
		ids[n] = db_col_int64(st, 0);
		users[n] = db_col_int64(st, 1);
		sectors[n] = arena_strdup(a, db_col_text(st, 2));
		n++;
	}
	db_done(st);
	int promoted = 0;
	for (int i = 0; i < n && s.booked < s.capacity; i++) {
		if (session_places_for(&s, sectors[i], now) == 0)
			continue;
		if (db_exec(db, SQL_PROMOTE, "II", now, ids[i]) != DB_OK)
			break;
		s.booked++;
		s.waitlisted--;
		if (s.reserved_sector && strcmp(sectors[i], s.reserved_sector) == 0)
			s.reserved_booked++;
		promoted++;
		struct booker b = {0};
		if (load_booker(db, a, users[i], &b))
			notify(db, a, &s, &b, "A place is now yours",
			       "A place came free and you have been moved off the waiting list: you are booked.", "confirmed");
		audit(db, 0, "booking", id_text(a, ids[i]), "promote", "waitlisted", "booked");
	}
	return promoted;
}

/* The rules booking_cancel applies before it writes: only the owner (or an admin) cancels, only a live
 * place, and a practitioner only before the session starts and, for a booked place, before the
 * cancellation cut-off. Fills s, *user_id, out->session_id and out->status (booked or waitlisted);
 * on a refusal fails out and returns false. */
static bool may_cancel(struct db *db, struct arena *a, int64_t booking_id, const struct user *actor, struct session *s,
		       int64_t *user_id, struct booking_result *out)
{
	bool admin = actor->role == ROLE_ADMIN;
	struct db_stmt *st = db_query(db, SQL_BOOKING, "I", booking_id);
	if (!db_next(st)) {
		db_done(st);
		fail(out, 404, "There is no such booking.", NULL);
		return false;
	}
	out->session_id = db_col_int64(st, 0);
	*user_id = db_col_int64(st, 1);
	const char *status = arena_strdup(a, db_col_text(st, 2));
	db_done(st);
	/* Someone else's booking is not found, rather than forbidden: it does not reveal who is booked. */
	if (!admin && *user_id != actor->id) {
		fail(out, 404, "There is no such booking.", NULL);
		return false;
	}
	if (strcmp(status, "booked") != 0 && strcmp(status, "waitlisted") != 0) {
		fail(out, 409, "Only a booked or waitlisted place can be cancelled.", NULL);
		return false;
	}
	out->status = status;
	if (!sessions_load(db, a, out->session_id, s)) { /* the booking's session: only a failed read misses it */
		fail(out, 503, "The service is busy; try again.", NULL);
		return false;
	}
	if (admin)
		return true;
	int64_t now = now_utc();
	if (s->starts_at <= now) {
		fail(out, 409, "This session has started; ask the programme team to change your booking.", NULL);
		return false;
	}
	if (strcmp(status, "booked") == 0 && s->cancel_cutoff_at && now >= s->cancel_cutoff_at) {
		char when[80];
		time_human(s->cancel_cutoff_at, when, sizeof when);
		fail(out, 409, arena_printf(a, "The cancellation cut-off was %s; contact the programme team to cancel.", when),
		     NULL);
		return false;
	}
	return true;
}

void booking_cancel_check(struct db *db, struct arena *a, int64_t booking_id, const struct user *actor,
			  struct booking_result *out, struct session *s, int64_t *user_id)
{
	memset(out, 0, sizeof *out);
	if (may_cancel(db, a, booking_id, actor, s, user_id, out))
		out->http = 200;
}

void booking_cancel(struct db *db, struct arena *a, int64_t booking_id, const struct user *actor,
		    struct booking_result *out)
{
	memset(out, 0, sizeof *out);
	if (db_begin(db) != DB_OK)
		return fail(out, 503, "The service is busy; try again in a moment.", NULL);
	struct session s;
	int64_t user_id;
	if (!may_cancel(db, a, booking_id, actor, &s, &user_id, out))
		goto out;
	const char *status = out->status;
	if (db_exec(db, SQL_SET_STATUS, "sII", "cancelled", now_utc(), booking_id) != DB_OK) {
		fail(out, 500, "The booking could not be cancelled.", NULL);
		goto out;
	}
	audit(db, actor->id, "booking", id_text(a, booking_id), "cancel", status, "cancelled");
	struct booker b = {0};
	if (load_booker(db, a, user_id, &b))
		notify(db, a, &s, &b, "Booking cancelled", "Your booking has been cancelled.", "cancelled");
	if (strcmp(status, "booked") == 0)
		out->promoted = booking_fill(db, a, out->session_id);
	commit(db, out, 200, booking_id, "cancelled");
	return;
out:
	db_rollback(db);
}

/* A booked or waiting place on a session. */
struct live {
	int64_t id, user_id;
	bool booked;
};

/* The session's booked and waiting places, read whole before anything is written to them; in a. */
static int live_bookings(struct db *db, struct arena *a, int64_t session_id, struct live **out)
{
	int n = 0, cap = 16;
	struct live *list = arena_alloc(a, (size_t)cap * sizeof *list);
	struct db_stmt *st = db_query(db, SQL_LIVE_BOOKINGS, "I", session_id);
	while (db_next(st)) {
		if (n == cap) {
			struct live *more = arena_alloc(a, 2 * (size_t)cap * sizeof *more);
			memcpy(more, list, (size_t)n * sizeof *list);
			list = more, cap *= 2;
		}
		list[n++] = (struct live){db_col_int64(st, 0), db_col_int64(st, 1), strcmp(db_col_text(st, 2), "booked") == 0};
	}
	db_done(st);
	*out = list;
	return n;
}

static bool same_text(const char *x, const char *y)
{
	return strcmp(x ? x : "", y ? y : "") == 0;
}

int booking_tell_changed(struct db *db, struct arena *a, const struct session *old)
{
	struct session s;
	if (!sessions_load(db, a, old->id, &s) || strcmp(s.status, "scheduled") != 0 || s.ends_at <= now_utc())
		return 0;
	bool moved = s.starts_at != old->starts_at || s.ends_at != old->ends_at;
	bool elsewhere = !same_text(s.venue_name, old->venue_name) || !same_text(s.venue_address, old->venue_address) ||
			 !same_text(s.venue_postcode, old->venue_postcode);
	if (!moved && !elsewhere)
		return 0;
	const char *body = moved && elsewhere ? "This session has moved to another date, time and place."
			   : moved	      ? "This session has moved to another date or time."
					      : "This session has moved to another place.";
	body = arena_printf(a, "%s The details below are the new ones; your place is kept.", body);
	struct live *live;
	int n = live_bookings(db, a, s.id, &live);
	for (int i = 0; i < n; i++) {
		struct booker b = {0};
		if (load_booker(db, a, live[i].user_id, &b))
			notify(db, a, &s, &b, "Session changed", body, live[i].booked ? "confirmed" : "tentative");
	}
	return n;
}

void booking_cancel_session(struct db *db, struct arena *a, int64_t session_id, const struct user *actor,
			    struct booking_result *out)
{
	memset(out, 0, sizeof *out);
	if (db_begin(db) != DB_OK)
		return fail(out, 503, "The service is busy; try again in a moment.", NULL);
	int64_t now = now_utc();
	struct session s;
	if (!sessions_find(db, a, session_id, &s)) {
		fail(out, 404, "There is no such session.", NULL);
		goto out;
	}
	if (strcmp(s.status, "cancelled") == 0) {
		fail(out, 409, "This session is already cancelled.", NULL);
		goto out;
	}
	db_exec(db, SQL_CANCEL_SESSION, "II", now, session_id);
	s.status = "cancelled";
	audit(db, actor->id, "session", id_text(a, session_id), "cancel", "scheduled", "cancelled");
	struct live *live;
	int n = live_bookings(db, a, session_id, &live);
	for (int i = 0; i < n; i++) {
		db_exec(db, SQL_SET_STATUS, "sII", "cancelled", now, live[i].id);
		struct booker b = {0};
		if (load_booker(db, a, live[i].user_id, &b))
			notify(db, a, &s, &b, "Session cancelled",
			       "We are sorry: this session has been cancelled. Your booking is cancelled too; please book "
			       "another date.",
			       "cancelled");
	}
	commit(db, out, 200, session_id, "cancelled");
	return;
out:
	db_rollback(db);
}

int booking_release_due(struct db *db, struct arena *a)
{
	int64_t now = now_utc(), ids[BOOKING_RELEASE_BATCH];
	int n = 0, promoted = 0;
	/* Done with at once, in one statement: the duty stops looking at a session with nobody waiting. */
	if (db_exec(db, SQL_RELEASE_IDLE, "I", now) != DB_OK)
		return 0;
	struct db_stmt *st = db_query(db, SQL_RELEASE_DUE, "Ii", now, BOOKING_RELEASE_BATCH);
	while (n < BOOKING_RELEASE_BATCH && db_next(st))
		ids[n++] = db_col_int64(st, 0);
	db_done(st);
	/* One transaction each, so a booking waiting for the writer waits for one session, not a hundred. */
	for (int i = 0; i < n; i++) {
		if (db_begin(db) != DB_OK)
			break;
		int moved = booking_fill(db, a, ids[i]);
		if (db_exec(db, SQL_RELEASED, "II", now, ids[i]) != DB_OK || db_commit(db) != DB_OK) {
			db_rollback(db);
			continue;
		}
		promoted += moved;
	}
	return promoted;
}
