/* test_certificate_issue.c — certificates_issue_due(), the server's duty that issues certificates once
 * sessions have ended, on a temporary database: only bookings still marked as there, of sessions that
 * went ahead and have ended, get a certificate and one e-mail; running it again, or on another
 * connection (another process), sends nothing more; a booking of a session still running waits for
 * its end, and one marked absent meanwhile gets nothing; a mark entered after the evaluation window
 * has closed gets its certificate without the request for an evaluation. */
#include "helpers.h"

#include "auth.h"
#include "certificates.h"

enum { NOW = 1767268800 /* 2026-01-01 12:00 UTC */ };

/* Session 1 ended an hour ago, 2 ends in an hour, 3 was cancelled, 4 ended 20 days ago (its evaluation
 * window has closed); each booking is in the duty's list. 11 attended, 12 partial, 13 absent (marked
 * attended, then absent), 14 attended but already certified; 21 attended and 22 late in the running
 * session; 31 attended in the cancelled one; 41 attended, entered from a paper sheet weeks later. */
static const char SETUP[] =
	"INSERT INTO organisations (id, name, sector, area, created_at) VALUES (1, 'Police', 'police', 'southend', 0);"
	"INSERT INTO users (id, email, name, role, org_id, created_at)"
	" WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 9)"
	" SELECT i, 'p' || i || '@x.example', 'P' || i, 'practitioner', 1, 0 FROM n;"
	"INSERT INTO sessions (id, course_id, starts_at, ends_at, capacity, venue_name, venue_address, venue_postcode,"
	" area, status, created_at) VALUES"
	" (1, 'recognising-and-responding', 1767268800 - 14400, 1767268800 - 3600, 9, 'Hall', '1 Road', 'SS1 1AA', 'southend', 'scheduled', 0),"
	" (2, 'recognising-and-responding', 1767268800 - 3600, 1767268800 + 3600, 9, 'Hall', '1 Road', 'SS1 1AA', 'southend', 'scheduled', 0),"
	" (3, 'recognising-and-responding', 1767268800 - 14400, 1767268800 - 3600, 9, 'Hall', '1 Road', 'SS1 1AA', 'southend', 'cancelled', 0),"
	" (4, 'recognising-and-responding', 1767268800 - 20 * 86400 - 3600, 1767268800 - 20 * 86400, 9, 'Hall', '1 Road',"
	" 'SS1 1AA', 'southend', 'scheduled', 0);"
	"INSERT INTO bookings (id, session_id, user_id, status, minutes_attended, created_at) VALUES"
	" (11, 1, 1, 'attended', NULL, 0), (12, 1, 2, 'partial', 90, 0), (13, 1, 3, 'absent', NULL, 0),"
	" (14, 1, 4, 'attended', NULL, 0), (21, 2, 5, 'attended', NULL, 0), (22, 2, 6, 'late', NULL, 0),"
	" (31, 3, 7, 'attended', NULL, 0), (41, 4, 8, 'attended', NULL, 0);"
	"INSERT INTO certificates (code, booking_id, issued_at) VALUES ('already-issued-code', 14, 0);"
	"INSERT INTO certificates_due (booking_id) VALUES (11), (12), (13), (14), (21), (22), (31), (41);";

static const char SQL_CERTIFICATES[] = "SELECT count(*) FROM certificates WHERE booking_id = ?";
static const char SQL_MAILS[] = "SELECT count(*) FROM outbox WHERE to_email = ? AND subject = 'Your certificate is ready'"
				" AND body LIKE '%/certificates/' || ? || '%' AND body LIKE '%/evaluations/' || ? || '%'";
static const char SQL_ALL_MAILS[] = "SELECT count(*) FROM outbox";
static const char SQL_MAIL_BODY[] = "SELECT body FROM outbox WHERE to_email = ?";
static const char SQL_DUE_LEFT[] = "SELECT group_concat(booking_id) FROM (SELECT booking_id FROM certificates_due ORDER BY 1)";

static int setup(void **state)
{
	test_uk_time();
	test_pin_now(NOW);
	assert_int_equal(auth_init(), 0);
	struct test_db *t = test_db_new(true);
	assert_int_equal(db_exec_script(t->db, SETUP), 0);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	test_db_free(*state);
	test_unpin_now();
	return 0;
}

static int64_t mails_to(struct db *db, int user, int64_t booking)
{
	char email[32], id[24];
	snprintf(email, sizeof email, "p%d@x.example", user);
	snprintf(id, sizeof id, "%lld", (long long)booking);
	return db_int(db, -1, SQL_MAILS, "sss", email, id, id);
}

static const char *due_left(struct db *db, struct arena *a)
{
	struct db_stmt *st = db_query(db, SQL_DUE_LEFT, "");
	const char *left = db_next(st) && db_col_text(st, 0) ? arena_strdup(a, db_col_text(st, 0)) : "";
	db_done(st);
	return left;
}

static void test_once_per_booking_after_the_end(void **state)
{
	struct test_db *t = *state;
	struct db *db = t->db;
	struct arena *a = arena_new();

	/* The ended session's two still there: a certificate and one e-mail each; and the late one. */
	assert_int_equal(certificates_issue_due(db, a), 3);
	assert_int_equal(db_int(db, -1, SQL_CERTIFICATES, "I", (int64_t)11), 1);
	assert_int_equal(db_int(db, -1, SQL_CERTIFICATES, "I", (int64_t)12), 1);
	assert_int_equal(mails_to(db, 1, 11), 1);
	assert_int_equal(mails_to(db, 2, 12), 1);
	/* Absent by the end, already certified, or a cancelled session: nothing, and off the list. */
	assert_int_equal(db_int(db, -1, SQL_CERTIFICATES, "I", (int64_t)13), 0);
	assert_int_equal(db_int(db, -1, SQL_CERTIFICATES, "I", (int64_t)31), 0);
	assert_int_equal(db_int(db, -1, SQL_CERTIFICATES, "I", (int64_t)14), 1);
	assert_int_equal(db_int(db, -1, SQL_ALL_MAILS, ""), 3);
	/* Weeks after the session the evaluation has closed: the certificate, without asking for one. */
	struct db_stmt *st = db_query(db, SQL_MAIL_BODY, "s", "p8@x.example");
	assert_true(db_next(st));
	assert_non_null(strstr(db_col_text(st, 0), "/certificates/41"));
	assert_null(strstr(db_col_text(st, 0), "/evaluations/"));
	db_done(st);
	/* The running session's wait for its end. */
	assert_string_equal(due_left(db, a), "21,22");

	/* Again, and from another connection (another process's duty): nothing more. */
	assert_int_equal(certificates_issue_due(db, a), 0);
	struct db *other = db_open(t->path, false);
	assert_non_null(other);
	assert_int_equal(certificates_issue_due(other, a), 0);
	assert_int_equal(db_int(db, -1, SQL_ALL_MAILS, ""), 3);

	/* During the session one is marked absent; at its end only the other gets a certificate. */
	assert_int_equal(db_exec(db, "UPDATE bookings SET status = 'absent' WHERE id = 22", ""), DB_OK);
	test_pin_now(NOW + 3600);
	assert_int_equal(certificates_issue_due(other, a), 1);
	assert_int_equal(certificates_issue_due(db, a), 0);
	assert_int_equal(mails_to(db, 5, 21), 1);
	assert_int_equal(db_int(db, -1, SQL_CERTIFICATES, "I", (int64_t)22), 0);
	assert_int_equal(db_int(db, -1, SQL_ALL_MAILS, ""), 4);
	assert_string_equal(due_left(db, a), "");

	/* Marked again after the certificate (absent, then attended): still one certificate, one e-mail. */
	assert_int_equal(certificates_due_add(db, 11), 0);
	assert_int_equal(certificates_issue_due(db, a), 0);
	assert_int_equal(db_int(db, -1, SQL_CERTIFICATES, "I", (int64_t)11), 1);
	assert_int_equal(mails_to(db, 1, 11), 1);
	db_close(other);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_once_per_booking_after_the_end, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
