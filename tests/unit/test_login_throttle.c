/* test_login_throttle.c — app/login_throttle.c on a temporary database with a pinned clock: the
 * waits one address earns, the limit, other addresses and accounts left alone, the account-wide
 * ceiling that spares the owner's own addresses, the one e-mail per window, and what is stored. */
#include "helpers.h"

#include "auth.h"
#include "login_throttle.h"
#include "site.h"
#include "users.h"

static const int64_t T0 = 1780000000;
static const char EMAIL[] = "owner@example.org";

struct fixture {
	struct test_db *t;
	struct db *db;
	int64_t now;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->t = test_db_new(true);
	f->db = f->t->db;
	assert_int_equal(auth_load_secrets(f->db), 0);
	struct form_errors fe = {0};
	struct user_input in = {.email = EMAIL, .name = "Olive Owner", .role = "analyst", .password = "quiet-otter-lamp-41"};
	assert_true(users_save(f->db, 0, 0, &in, &fe) > 0);
	f->now = T0;
	test_pin_now(T0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	test_unpin_now();
	test_db_free(f->t);
	free(f);
	return 0;
}

static void at(struct fixture *f, int64_t t)
{
	f->now = t;
	test_pin_now(t);
}

/* One try with a wrong password: what begin answered (0 = it went ahead). */
static int wrong(struct fixture *f, const char *email, const char *addr)
{
	struct login_throttle t;
	int wait = login_throttle_begin(f->db, &t, email, addr);
	if (wait == 0)
		login_throttle_failed(f->db, &t, email);
	return wait;
}

static int right(struct fixture *f, const char *email, const char *addr)
{
	struct login_throttle t;
	int wait = login_throttle_begin(f->db, &t, email, addr);
	if (wait == 0)
		login_throttle_passed(f->db, &t);
	return wait;
}

/* A distinct address for the i-th try of a spread-out attacker. */
static const char *nth(const char *prefix, int i)
{
	static char addr[64];
	snprintf(addr, sizeof addr, "%s.%d.%d", prefix, i / 200, i % 200 + 1);
	return addr;
}

static int64_t alerts(struct fixture *f)
{
	static const char SQL[] = "SELECT count(*) FROM outbox WHERE to_email = ? AND subject LIKE 'Failed sign-ins%'";
	return db_int(f->db, -1, SQL, "s", EMAIL);
}

static void test_address_key(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"192.0.2.1", "192.0.2.1"},
		{"::ffff:192.0.2.1", "192.0.2.1"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"},
		{"", "unknown"},
		{NULL, "unknown"},
		{"not an address", "unknown"},
		{"192.0.2.1; 10.0.0.1", "unknown"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char out[64];
		login_throttle_address(cases[i].in, out, sizeof out);
		assert_string_equal(out, cases[i].want);
	}
}

static void test_one_address_is_slowed_then_stopped(void **state)
{
	struct fixture *f = *state;
	/* Three slips cost nothing, nor does the fourth try. */
	for (int i = 0; i < THROTTLE_FREE_FAILURES + 1; i++)
		assert_int_equal(wrong(f, EMAIL, "192.0.2.66"), 0);
	/* Then 2, 4, 8, 16, 32 and 64 seconds, each counted from the last try. */
	int64_t t = f->now;
	for (int k = 1; k <= 6; k++) {
		int delay = 1 << k;
		assert_int_equal(wrong(f, EMAIL, "192.0.2.66"), delay);
		at(f, t + delay - 1);
		assert_int_equal(wrong(f, EMAIL, "192.0.2.66"), 1);
		/* The right password is not even checked while the wait lasts. */
		assert_int_equal(right(f, EMAIL, "192.0.2.66"), 1);
		at(f, t + delay);
		assert_int_equal(wrong(f, EMAIL, "192.0.2.66"), 0);
		t = f->now;
	}
	/* That was the tenth: the address is closed until 15 minutes after its first failure. */
	assert_int_equal(wrong(f, EMAIL, "192.0.2.66"), (int)(T0 + THROTTLE_ADDRESS_WINDOW - f->now));
	at(f, T0 + THROTTLE_ADDRESS_WINDOW - 1);
	assert_int_equal(right(f, EMAIL, "192.0.2.66"), 1);
	/* Then it starts again from nothing. */
	at(f, T0 + THROTTLE_ADDRESS_WINDOW);
	for (int i = 0; i < THROTTLE_FREE_FAILURES + 1; i++)
		assert_int_equal(wrong(f, EMAIL, "192.0.2.66"), 0);
	assert_int_equal(wrong(f, EMAIL, "192.0.2.66"), 2);
}

static void test_others_are_not_held_back(void **state)
{
	struct fixture *f = *state;
	for (int i = 0; i < THROTTLE_ADDRESS_LIMIT; i++) {
		at(f, T0 + i * 80);
		assert_int_equal(wrong(f, EMAIL, "192.0.2.66"), 0);
	}
	assert_true(wrong(f, EMAIL, "192.0.2.66") > 0);
	/* The owner from another address, another account from the attacker's: no wait. */
	assert_int_equal(right(f, EMAIL, "198.51.100.7"), 0);
	assert_int_equal(wrong(f, "other@example.org", "192.0.2.66"), 0);
	/* The same e-mail address in other letters is the same account. */
	assert_true(wrong(f, "OWNER@Example.ORG", "192.0.2.66") > 0);
	/* An IPv6 attacker does not escape by changing the last 64 bits. */
	for (int i = 0; i < THROTTLE_ADDRESS_LIMIT; i++) {
		at(f, T0 + 2000 + i * 80);
		char addr[64];
		snprintf(addr, sizeof addr, "2001:db8:7::%x", i + 1);
		assert_int_equal(wrong(f, EMAIL, addr), 0);
	}
	assert_true(wrong(f, EMAIL, "2001:db8:7::ffff") > 0);
}

static void test_success_forgets_the_failures(void **state)
{
	struct fixture *f = *state;
	for (int i = 0; i < THROTTLE_FREE_FAILURES; i++)
		assert_int_equal(wrong(f, EMAIL, "198.51.100.7"), 0);
	assert_int_equal(right(f, EMAIL, "198.51.100.7"), 0);
	for (int i = 0; i < THROTTLE_FREE_FAILURES + 1; i++)
		assert_int_equal(wrong(f, EMAIL, "198.51.100.7"), 0);
	assert_int_equal(wrong(f, EMAIL, "198.51.100.7"), 2);
}

static void test_account_ceiling_spares_the_owners_addresses(void **state)
{
	struct fixture *f = *state;
	/* The owner has signed in from home before. */
	assert_int_equal(right(f, EMAIL, "198.51.100.7"), 0);
	/* A spread-out attacker: one failure from each of many addresses. */
	for (int i = 0; i < THROTTLE_ACCOUNT_CEILING; i++)
		assert_int_equal(wrong(f, EMAIL, nth("203.0", i)), 0);
	/* Past the ceiling a new address waits for the account's spacing... */
	assert_int_equal(wrong(f, EMAIL, "203.0.9.1"), THROTTLE_ACCOUNT_SPACING);
	at(f, f->now + THROTTLE_ACCOUNT_SPACING - 1);
	assert_int_equal(right(f, EMAIL, "203.0.9.2"), 1);
	/* ...the owner's own address does not. */
	assert_int_equal(right(f, EMAIL, "198.51.100.7"), 0);
	/* One try per spacing gets through, whoever makes it. */
	at(f, f->now + THROTTLE_ACCOUNT_SPACING);
	assert_int_equal(wrong(f, EMAIL, "203.0.9.1"), 0);
	assert_int_equal(wrong(f, EMAIL, "203.0.9.3"), THROTTLE_ACCOUNT_SPACING);
	at(f, f->now + THROTTLE_ACCOUNT_SPACING);
	assert_int_equal(right(f, EMAIL, "203.0.9.3"), 0);
	/* A new hour, a new count. */
	at(f, T0 + THROTTLE_ACCOUNT_WINDOW);
	assert_int_equal(wrong(f, EMAIL, "203.0.10.1"), 0);
	assert_int_equal(wrong(f, EMAIL, "203.0.10.2"), 0);
}

static void test_one_email_per_window(void **state)
{
	struct fixture *f = *state;
	for (int i = 0; i < THROTTLE_ALERT_AFTER - 1; i++) {
		at(f, T0 + i * 100);
		assert_int_equal(wrong(f, EMAIL, "192.0.2.66"), 0);
	}
	assert_int_equal(alerts(f), 0);
	/* The tenth failure, from another address: the account's count is what matters. */
	assert_int_equal(wrong(f, EMAIL, "192.0.2.67"), 0);
	assert_int_equal(alerts(f), 1);
	for (int i = 0; i < THROTTLE_FREE_FAILURES + 1; i++)
		assert_int_equal(wrong(f, EMAIL, "192.0.2.68"), 0);
	assert_int_equal(alerts(f), 1);
	/* What it says: no address, no password. */
	static const char SQL_BODY[] = "SELECT body FROM outbox WHERE to_email = ?";
	struct db_stmt *st = db_query(f->db, SQL_BODY, "s", EMAIL);
	assert_true(db_next(st));
	const char *body = db_col_text(st, 0);
	assert_contains(body, "Hello Olive Owner");
	assert_contains(body, "https://lantern.example/account");
	assert_not_contains(body, "192.0.2");
	db_done(st);
	/* The next window may bring one more. */
	at(f, T0 + THROTTLE_ACCOUNT_WINDOW);
	for (int i = 0; i < THROTTLE_ALERT_AFTER; i++)
		assert_int_equal(wrong(f, EMAIL, nth("198.18", i)), 0);
	assert_int_equal(alerts(f), 2);
	/* An e-mail address without an account is counted, and nobody is written to. */
	for (int i = 0; i < THROTTLE_ALERT_AFTER; i++)
		assert_int_equal(wrong(f, "nobody@example.org", nth("198.19", i)), 0);
	assert_int_equal(db_int(f->db, -1, "SELECT count(*) FROM outbox", ""), 2);
}

static void test_nothing_in_clear_and_old_rows_go(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(right(f, EMAIL, "198.51.100.7"), 0);
	assert_int_equal(wrong(f, EMAIL, "192.0.2.66"), 0);
	static const char SQL_CLEAR[] = "SELECT count(*) FROM login_throttle WHERE account LIKE '%owner%'"
					" OR client LIKE '%192.0.2%' OR client LIKE '%198.51%' OR length(account) <> 64";
	assert_int_equal(db_int(f->db, -1, SQL_CLEAR, ""), 0);
	static const char SQL_ROWS[] = "SELECT count(*) FROM login_throttle";
	assert_int_equal(db_int(f->db, -1, SQL_ROWS, ""), 3); /* the account, home, the attacker */
	/* After an hour the failures are gone; the address the owner uses stays for 90 days. */
	at(f, T0 + THROTTLE_ACCOUNT_WINDOW + 1);
	assert_int_equal(wrong(f, "other@example.org", "192.0.2.99"), 0);
	assert_int_equal(db_int(f->db, -1, SQL_ROWS, ""), 3); /* home, and the other's two */
	at(f, T0 + THROTTLE_KNOWN_ADDRESS + 1);
	assert_int_equal(wrong(f, "other@example.org", "192.0.2.99"), 0);
	assert_int_equal(db_int(f->db, -1, SQL_ROWS, ""), 2);
}

int main(void)
{
	test_uk_time();
	if (auth_init() != 0 || site_set_base_url("https://lantern.example") != 0)
		return 1;
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_address_key),
		T(test_one_address_is_slowed_then_stopped),
		T(test_others_are_not_held_back),
		T(test_success_forgets_the_failures),
		T(test_account_ceiling_spares_the_owners_addresses),
		T(test_one_email_per_window),
		T(test_nothing_in_clear_and_old_rows_go),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
