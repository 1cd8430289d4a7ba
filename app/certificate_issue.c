/* certificate_issue.c — certificates and evaluation requests come after the session, not at the
 * door: a mark of attended, late or partial only notes the booking in certificates_due, and the
 * server's duty, once the session has ended, issues the certificate and queues the one e-mail that
 * says it is ready and asks for the evaluation, both in one transaction. A certificate row is the
 * record that this happened, so it happens once per booking, however often the duty runs and in
 * however many processes. */
#include "certificates.h"

#include <string.h>

#include "attendance.h"
#include "auth.h"
#include "catalog.h"
#include "db.h"
#include "disclosure.h"
#include "outbox.h"
#include "site.h"
#include "util.h"

static const char SQL_DUE_ADD[] = "INSERT INTO certificates_due (booking_id) VALUES (?) ON CONFLICT DO NOTHING";
/* The queue holds only bookings marked as there and not yet looked at after their session's end:
 * those of sessions running now, or of ones marked ahead by an admin. */
static const char SQL_DUE[] =
	"SELECT d.booking_id, b.status, s.status, s.course_id, s.starts_at, u.email, c.booking_id IS NOT NULL, s.ends_at"
	" FROM certificates_due d JOIN bookings b ON b.id = d.booking_id JOIN sessions s ON s.id = b.session_id"
	" JOIN users u ON u.id = b.user_id LEFT JOIN certificates c ON c.booking_id = d.booking_id"
	" WHERE s.ends_at <= ? ORDER BY d.booking_id LIMIT ?";
/* From the queue outward (CROSS JOIN keeps that order): left to itself, SQLite walks every booking
 * to find the handful queued, half a million on the bench data, every 5 s. (The join conditions are in
 * WHERE: PostgreSQL takes no ON after CROSS JOIN.) */
static const char SQL_ANY_DUE[] = "SELECT EXISTS (SELECT 1 FROM certificates_due d CROSS JOIN bookings b CROSS JOIN sessions s"
				  " WHERE b.id = d.booking_id AND s.id = b.session_id AND s.ends_at <= ?)";
static const char SQL_ISSUE[] = "INSERT INTO certificates (code, booking_id, issued_at) VALUES (?, ?, ?)"
				 " ON CONFLICT DO NOTHING";
static const char SQL_DUE_DONE[] = "DELETE FROM certificates_due WHERE booking_id = ?";

int certificates_due_add(struct db *db, int64_t booking_id)
{
	return db_exec(db, SQL_DUE_ADD, "I", booking_id) == DB_OK ? 0 : -1;
}

struct due {
	int64_t booking, starts, ends;
	const char *email, *course_id;
	bool issue; /* marked as there, session went ahead, no certificate yet */
};

/* The e-mail: the certificate is ready, and two minutes of feedback, please, while the evaluation is
 * open (a mark entered weeks later gets the certificate alone). */
static int tell(struct db *db, struct arena *a, const struct due *d, int64_t now)
{
	const struct course *c = catalog_course(d->course_id);
	char date[40];
	date_human(d->starts, date, sizeof date);
	const char *base = site_base_url();
	const char *ask = now < disclosure_evaluations_close(d->ends)
				  ? arena_printf(a, "\nPlease take two minutes to tell us how the session went and how confident "
						    "you feel now, so we can improve the training:\n%s/evaluations/%lld\n",
						 base, (long long)d->booking)
				  : "";
	struct outbox_message m = {
		.to = d->email,
		.subject = "Your certificate is ready",
		.body = arena_printf(a, "Thank you for coming to %s on %s.\n\nYour certificate of attendance is ready:\n"
					"%s/certificates/%lld\n%s",
				     c ? c->title : d->course_id, date, base, (long long)d->booking, ask),
	};
	return outbox_put(db, &m);
}

int certificates_issue_due(struct db *db, struct arena *a)
{
	struct due due[CERTIFICATES_BATCH];
	int64_t now = now_utc();
	int n = 0, issued = 0;
	/* Most runs find nothing, and take no lock to find it. With something due, the write lock comes
	 * first, so the batch read is the state it writes on. */
	if (db_int(db, 0, SQL_ANY_DUE, "I", now) == 0 || db_begin(db) != DB_OK)
		return 0;
	struct db_stmt *st = db_query(db, SQL_DUE, "Ii", now, CERTIFICATES_BATCH);
	while (n < CERTIFICATES_BATCH && db_next(st)) {
		due[n] = (struct due){
			.booking = db_col_int64(st, 0),
			.starts = db_col_int64(st, 4),
			.ends = db_col_int64(st, 7),
			.email = arena_strdup(a, db_col_text(st, 5)),
			.course_id = arena_strdup(a, db_col_text(st, 3)),
			.issue = attendance_present(db_col_text(st, 1)) && strcmp(db_col_text(st, 2), "cancelled") != 0 &&
				 db_col_int(st, 6) == 0,
		};
		n++;
	}
	db_done(st);
	for (int i = 0; i < n; i++) {
		/* Marked absent or excused before the end, or already issued: done with, nothing sent. */
		if (due[i].issue) {
			if (db_exec(db, SQL_ISSUE, "sII", auth_random_token(a, 18), due[i].booking, now) != DB_OK)
				goto fail;
			if (db_changes(db) == 1) {
				if (tell(db, a, &due[i], now) != 0)
					goto fail;
				issued++;
			}
		}
		if (db_exec(db, SQL_DUE_DONE, "I", due[i].booking) != DB_OK)
			goto fail;
	}
	if (db_commit(db) != DB_OK)
		return 0;
	return issued;
fail:
	db_rollback(db);
	return 0;
}
