/* test_checkin.c — rotating check-in tokens: deterministic per session and 30-second slot, the
 * current and previous slot accepted, anything older (or newer, or for another session) refused,
 * exactly at the slot boundaries. */
#include "helpers.h"

#include <ctype.h>

#include "auth.h"
#include "checkin.h"

static struct test_db *t;

static int setup(void **state)
{
	(void)state;
	t = test_db_new(true);
	assert_int_equal(auth_load_secrets(t->db), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_db_free(t);
	test_unpin_now();
	return 0;
}

static void test_slots(void **state)
{
	(void)state;
	assert_int_equal(checkin_slot(0), 0);
	assert_int_equal(checkin_slot(29), 0);
	assert_int_equal(checkin_slot(30), 1);
	assert_int_equal(checkin_slot(1780000019), 1780000019 / 30);
}

static void test_token_shape_and_determinism(void **state)
{
	(void)state;
	char a[17], b[17], c[17], d[17];
	checkin_token(7, 100, a);
	checkin_token(7, 100, b);
	checkin_token(7, 101, c);
	checkin_token(8, 100, d);
	assert_int_equal(strlen(a), 16);
	assert_true(strspn(a, "0123456789abcdef") == 16);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_string_not_equal(a, d);
}

static void test_accepts_current_and_previous_slot_only(void **state)
{
	(void)state;
	const int64_t start = 1780000020; /* the first second of slot 59333334 */
	assert_int_equal(start % 30, 0);
	int64_t slot = checkin_slot(start);
	char current[17], previous[17], older[17], next[17];
	checkin_token(42, slot, current);
	checkin_token(42, slot - 1, previous);
	checkin_token(42, slot - 2, older);
	checkin_token(42, slot + 1, next);

	/* At the first and the last second of the slot. */
	for (int64_t now = start; now <= start + 29; now += 29) {
		assert_true(checkin_token_valid(42, current, now));
		assert_true(checkin_token_valid(42, previous, now));
		assert_false(checkin_token_valid(42, older, now));
		assert_false(checkin_token_valid(42, next, now));
	}
	/* One second later the current token becomes the previous one and the previous is stale. */
	assert_true(checkin_token_valid(42, current, start + 30));
	assert_false(checkin_token_valid(42, previous, start + 30));
	assert_false(checkin_token_valid(42, current, start + 60));
	/* Another session's token never works. */
	assert_false(checkin_token_valid(43, current, start));
}

static void test_rejects_malformed(void **state)
{
	(void)state;
	char ok[17];
	checkin_token(1, checkin_slot(1780000000), ok);
	assert_false(checkin_token_valid(1, NULL, 1780000000));
	assert_false(checkin_token_valid(1, "", 1780000000));
	char longer[20];
	snprintf(longer, sizeof longer, "%s0", ok);
	assert_false(checkin_token_valid(1, longer, 1780000000));
	char shorter[17];
	memcpy(shorter, ok, 15);
	shorter[15] = '\0';
	assert_false(checkin_token_valid(1, shorter, 1780000000));
	char upper[17];
	for (int i = 0; i < 17; i++)
		upper[i] = (char)toupper((unsigned char)ok[i]);
	if (strcmp(upper, ok) != 0)
		assert_false(checkin_token_valid(1, upper, 1780000000));
}

int main(void)
{
	test_uk_time();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_token_shape_and_determinism),
		cmocka_unit_test(test_accepts_current_and_previous_slot_only),
		cmocka_unit_test(test_rejects_malformed),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
