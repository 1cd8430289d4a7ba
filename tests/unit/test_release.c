/* test_release.c — booking_release_due(), the server's safety net for lapsed sector reservations, on a
 * temporary database: a reservation with nobody to promote is released at once; the others the oldest
 * first, a batch at a time, their free places going to the waiting list; each is released once and
 * never looked at again; a reservation changed afterwards is a new hold. */
#include "helpers.h"

#include "booking.h"
#include "catalog.h"

enum { NOW = 1767268800 /* 2026-01-01 12:00 UTC */ };

/* 150 sessions whose reservations lapsed, session i at NOW - i (so the highest ids are the oldest), each
 * with a police officer waiting for the place held for health. Session 900 lapsed longest ago and has
 * one officer booked and another waiting; 901 holds its place for another hour; 902 lapsed with nobody
 * waiting and 903 lapsed full, both only a second ago. */
static const char SETUP[] =
	"INSERT INTO organisations (id, name, sector, area, created_at) VALUES (1, 'Police', 'police', 'southend', 0);"
	"INSERT INTO users (id, email, name, role, org_id, created_at) VALUES"
	" (1, 'a@x.example', 'A', 'practitioner', 1, 0), (2, 'b@x.example', 'B', 'practitioner', 1, 0),"
	" (3, 'c@x.example', 'C', 'practitioner', 1, 0);"
	"INSERT INTO sessions (id, course_id, starts_at, ends_at, capacity, venue_name, venue_address, venue_postcode,"
	" area, reserved_sector, reserved_places, reserved_until, created_at)"
	" WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 150)"
	" SELECT i, 'recognising-and-responding', 1767400000, 1767403600, 2, 'Hall', '1 Road', 'SS1 1AA', 'southend',"
	" 'health', 1, 1767268800 - i, 0 FROM n;"
	"INSERT INTO bookings (session_id, user_id, sector, status, created_at)"
	" SELECT id, 2, 'police', 'waitlisted', 0 FROM sessions;"
	"INSERT INTO sessions (id, course_id, starts_at, ends_at, capacity, venue_name, venue_address, venue_postcode,"
	" area, reserved_sector, reserved_places, reserved_until, created_at) VALUES"
	" (900, 'recognising-and-responding', 1767400000, 1767403600, 2, 'Hall', '1 Road', 'SS1 1AA', 'southend',"
	" 'health', 1, 1767268800 - 100000, 0),"
	" (901, 'recognising-and-responding', 1767400000, 1767403600, 2, 'Hall', '1 Road', 'SS1 1AA', 'southend',"
	" 'health', 1, 1767268800 + 3600, 0),"
	" (902, 'recognising-and-responding', 1767400000, 1767403600, 2, 'Hall', '1 Road', 'SS1 1AA', 'southend',"
	" 'health', 1, 1767268800 - 1, 0),"
	" (903, 'recognising-and-responding', 1767400000, 1767403600, 2, 'Hall', '1 Road', 'SS1 1AA', 'southend',"
	" 'health', 1, 1767268800 - 1, 0);"
	"INSERT INTO bookings (session_id, user_id, sector, status, created_at, booked_at) VALUES"
	" (900, 1, 'police', 'booked', 0, 0), (900, 2, 'police', 'waitlisted', 1, NULL),"
	" (903, 1, 'police', 'booked', 0, 0), (903, 3, 'police', 'booked', 0, 0), (903, 2, 'police', 'waitlisted', 1, NULL);";

static const char SQL_RELEASED_COUNT[] = "SELECT count(*) FROM sessions WHERE reserve_released_at IS NOT NULL";
static const char SQL_RELEASED_RANGE[] = "SELECT count(*) FROM sessions WHERE reserve_released_at IS NOT NULL"
					 " AND id BETWEEN ? AND ?";
static const char SQL_BOOKED[] = "SELECT count(*) FROM bookings WHERE status = 'booked' AND user_id = 2"
				 " AND session_id BETWEEN ? AND ?";
static const char SQL_RELEASED_AT[] = "SELECT coalesce(reserve_released_at, 0) FROM sessions WHERE id = ?";

static int setup(void **state)
{
	test_uk_time();
	test_pin_now(NOW);
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

static void test_oldest_first_then_never_again(void **state)
{
	struct test_db *t = *state;
	struct db *db = t->db;
	struct arena *a = arena_new();

	/* First pass: 902 and 903, with nobody to promote, at once; then a batch of the oldest with people
	 * waiting: 900, then 150 down to 52, each place going to the officer waiting for it. */
	assert_int_equal(booking_release_due(db, a), BOOKING_RELEASE_BATCH);
	assert_int_equal(db_int(db, -1, SQL_RELEASED_COUNT, ""), BOOKING_RELEASE_BATCH + 2);
	assert_int_equal(db_int(db, -1, SQL_RELEASED_RANGE, "II", (int64_t)900, (int64_t)900), 1);
	assert_int_equal(db_int(db, -1, SQL_RELEASED_RANGE, "II", (int64_t)902, (int64_t)903), 2);
	assert_int_equal(db_int(db, -1, SQL_RELEASED_RANGE, "II", (int64_t)52, (int64_t)150), BOOKING_RELEASE_BATCH - 1);
	assert_int_equal(db_int(db, -1, SQL_RELEASED_RANGE, "II", (int64_t)1, (int64_t)51), 0);
	assert_int_equal(db_int(db, -1, SQL_BOOKED, "II", (int64_t)52, (int64_t)150), BOOKING_RELEASE_BATCH - 1);
	assert_int_equal(db_int(db, -1, SQL_BOOKED, "II", (int64_t)900, (int64_t)903), 1);

	/* Second pass: the rest of the lapsed ones; the reservation still held is left alone. */
	assert_int_equal(booking_release_due(db, a), 51);
	assert_int_equal(db_int(db, -1, SQL_RELEASED_RANGE, "II", (int64_t)1, (int64_t)150), 150);
	assert_int_equal(db_int(db, -1, SQL_RELEASED_AT, "I", (int64_t)901), 0);

	/* Done with: a released session is not looked at again (its mark keeps its first time). */
	test_pin_now(NOW + 60);
	assert_int_equal(booking_release_due(db, a), 0);
	assert_int_equal(db_int(db, -1, SQL_RELEASED_AT, "I", (int64_t)900), NOW);

	/* Changing a reservation makes it a new hold, released in its turn. */
	assert_int_equal(db_exec(db, "UPDATE sessions SET reserved_until = ? WHERE id = 900", "I", (int64_t)NOW + 30), DB_OK);
	assert_int_equal(db_int(db, -1, SQL_RELEASED_AT, "I", (int64_t)900), 0);
	booking_release_due(db, a);
	assert_int_equal(db_int(db, -1, SQL_RELEASED_AT, "I", (int64_t)900), NOW + 60);
	test_pin_now(NOW);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_oldest_first_then_never_again, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
