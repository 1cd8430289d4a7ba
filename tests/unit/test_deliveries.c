/* test_deliveries.c — deliveries_record(), the one write path for Risk Avert deliveries, on a
 * temporary database: who may record for which setting, each field's check, and the contract the
 * attendance head-count relies on (inside the caller's transaction; a second head-count for the same
 * session updates its delivery; the caller's rollback takes the delivery with it). */
#include "helpers.h"

#include "auth.h"
#include "catalog.h"
#include "deliveries.h"
#include "html.h"

static const char SETUP[] =
	"INSERT INTO settings (urn, name, phase, area, y7, y9) VALUES ('100001', 'Oak', 'secondary', 'southend', 180, 100),"
	" ('100002', 'Elm', 'secondary', 'basildon', NULL, NULL);"
	"INSERT INTO users (id, email, name, role, school_urn, created_at) VALUES"
	" (1, 'a@x.example', 'Admin', 'admin', NULL, 0), (2, 't@x.example', 'Trainer', 'trainer', NULL, 0),"
	" (3, 's@x.example', 'School', 'school', '100001', 0), (4, 'n@x.example', 'Analyst', 'analyst', NULL, 0);"
	"INSERT INTO sessions (id, course_id, module_id, starts_at, ends_at, capacity, venue_name, venue_address,"
	" venue_postcode, area, school_urn, year_group, pupils_expected, created_at) VALUES (7, 'risk-avert',"
	" 'social-norms', 1760000000, 1760003600, 30, 'Oak', '1 Road', 'SS1 1AA', 'southend', '100001', 7, 30, 0);";

static const char SQL_COUNT[] = "SELECT count(*) FROM deliveries";
static const char SQL_PUPILS[] = "SELECT pupils_reached FROM deliveries WHERE id = ?";

static const struct user admin = {.id = 1, .role = ROLE_ADMIN}, trainer = {.id = 2, .role = ROLE_TRAINER},
			   school = {.id = 3, .role = ROLE_SCHOOL, .school_urn = "100001"},
			   analyst = {.id = 4, .role = ROLE_ANALYST};

static int setup(void **state)
{
	test_uk_time();
	test_pin_now(1767268800); /* 2026-01-01 12:00 UTC */
	test_load_catalog();
	struct test_db *t = test_db_new(true);
	assert_int_equal(db_exec_script(t->db, SETUP), 0);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	test_db_free(*state);
	catalog_free();
	test_unpin_now();
	return 0;
}

static struct delivery_input good(void)
{
	return (struct delivery_input){.urn = "100001", .module = "social-norms", .year_group = "7",
				       .delivered_on = "2025-10-14", .pupils_reached = "150"};
}

static void test_who_may_record(void **state)
{
	struct db *db = ((struct test_db *)*state)->db;
	struct delivery_input in = good();
	const struct user *allowed[] = {&admin, &trainer, &school, NULL};
	for (size_t i = 0; i < ARRAY_LEN(allowed); i++) {
		struct form_errors fe = {0};
		assert_true(deliveries_record(db, allowed[i], &in, &fe) > 0);
		assert_int_equal(fe.n, 0);
	}
	struct form_errors fe = {0};
	in.urn = "100002";
	assert_int_equal(deliveries_record(db, &school, &in, &fe), 0); /* not the school's own setting */
	assert_string_equal(fe.e[0].field, "urn");
	fe = (struct form_errors){0};
	in.urn = "100001";
	assert_int_equal(deliveries_record(db, &analyst, &in, &fe), 0);
	assert_string_equal(fe.e[0].field, "urn");
	assert_int_equal(db_int(db, -1, SQL_COUNT, ""), 4);
}

static void test_each_field(void **state)
{
	struct db *db = ((struct test_db *)*state)->db;
	static const struct {
		const char *urn, *module, *year, *date, *pupils, *field;
	} cases[] = {
		{"999999", NULL, NULL, NULL, NULL, "urn"},
		{"12345", NULL, NULL, NULL, NULL, "urn"},
		{NULL, "nope", NULL, NULL, NULL, "module"},
		{NULL, NULL, "10", NULL, NULL, "year_group"}, /* social-norms suits 7 to 9 */
		{NULL, NULL, "14", NULL, NULL, "year_group"},
		{NULL, NULL, "7.0", NULL, NULL, "year_group"},
		{NULL, NULL, NULL, "2026-01-02", NULL, "delivered_on"}, /* tomorrow */
		{NULL, NULL, NULL, "14/10/2025", NULL, "delivered_on"},
		{NULL, NULL, NULL, "1999-12-31", NULL, "delivered_on"},
		{NULL, NULL, NULL, NULL, "-1", "pupils_reached"},
		{NULL, NULL, NULL, NULL, "2001", "pupils_reached"},
		{NULL, NULL, NULL, NULL, "236", "pupils_reached"}, /* roll 180: more than 180 + 45 + 10 */
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct delivery_input in = good();
		if (cases[i].urn)
			in.urn = cases[i].urn;
		if (cases[i].module)
			in.module = cases[i].module;
		if (cases[i].year)
			in.year_group = cases[i].year;
		if (cases[i].date)
			in.delivered_on = cases[i].date;
		if (cases[i].pupils)
			in.pupils_reached = cases[i].pupils;
		struct form_errors fe = {0};
		if (deliveries_record(db, &trainer, &in, &fe) != 0 || fe.n != 1 || strcmp(fe.e[0].field, cases[i].field) != 0)
			fail_msg("case %zu: want one error on %s, got %d (%s)", i, cases[i].field, fe.n, fe.n ? fe.e[0].field : "-");
	}
	/* At the margin, and today, and with an unknown roll: all fine. */
	struct delivery_input in = good();
	in.pupils_reached = "235";
	in.delivered_on = "2026-01-01";
	struct form_errors fe = {0};
	assert_true(deliveries_record(db, &trainer, &in, &fe) > 0);
	in = good();
	in.urn = "100002";
	in.pupils_reached = "900";
	assert_true(deliveries_record(db, &trainer, &in, &fe) > 0);
	assert_int_equal(db_int(db, -1, SQL_COUNT, ""), 2);
}

/* What the attendance head-count does: its own transaction, its own writes, then the delivery. */
static void test_head_count_inside_a_transaction(void **state)
{
	struct db *db = ((struct test_db *)*state)->db;
	struct delivery_input in = good();
	in.session_id = 7;
	in.in_transaction = true;
	struct form_errors fe = {0};
	assert_int_equal(db_begin(db), DB_OK);
	int64_t id = deliveries_record(db, &trainer, &in, &fe);
	assert_true(id > 0);
	assert_int_equal(db_commit(db), DB_OK);

	/* A corrected head-count updates the same delivery. */
	in.pupils_reached = "160";
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(deliveries_record(db, &trainer, &in, &fe), id);
	assert_int_equal(db_commit(db), DB_OK);
	assert_int_equal(db_int(db, -1, SQL_PUPILS, "I", id), 160);
	assert_int_equal(db_int(db, -1, SQL_COUNT, ""), 1);

	/* The caller's rollback takes the change with it. */
	in.pupils_reached = "10";
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(deliveries_record(db, &trainer, &in, &fe), id);
	db_rollback(db);
	assert_int_equal(db_int(db, -1, SQL_PUPILS, "I", id), 160);

	/* Outside a transaction it takes its own; an unknown session is refused by name. */
	in.in_transaction = false;
	in.session_id = 8;
	assert_int_equal(deliveries_record(db, &trainer, &in, &fe), 0);
	assert_string_equal(fe.e[0].field, "session");
	assert_false(db_request_end(db)); /* no transaction left open */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_who_may_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_each_field, setup, teardown),
		cmocka_unit_test_setup_teardown(test_head_count_inside_a_transaction, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
