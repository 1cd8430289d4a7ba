/* test_survey_token.c — app/survey_token.c on a temporary migrated database: a token checks out for
 * its run until it expires, and for nothing else; malformed and forged ones are refused; a token is
 * spent once; expired spent tokens are forgotten, live ones never. */
#include "helpers.h"

#include "auth.h"
#include "survey_token.h"

static const int64_t T0 = 1780000000; /* a fixed "now": 2026-05-28 */

struct fixture {
	struct test_db *t;
	struct arena *a;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->t = test_db_new(true);
	assert_int_equal(auth_load_secrets(f->t->db), 0);
	f->a = arena_new();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	arena_free(f->a);
	test_db_free(f->t);
	free(f);
	return 0;
}

static enum survey_token_check check(struct fixture *f, const char *token, int64_t run, int64_t now)
{
	struct survey_token t;
	return survey_token_check(f->a, token, run, now, &t);
}

static void test_issue_and_check(void **state)
{
	struct fixture *f = *state;
	const char *token = survey_token_issue(f->a, 7, T0);
	struct survey_token t = {0};
	assert_int_equal(survey_token_check(f->a, token, 7, T0, &t), SURVEY_TOKEN_OK);
	assert_int_equal(strlen(t.nonce), 22);
	assert_int_equal(t.expires_at, T0 + SURVEY_TOKEN_SECONDS);
	assert_int_equal(test_count(token, "."), 2); /* ISSUED.NONCE.MAC: the address names the run */
	assert_true(strncmp(token, "1780000000.", 11) == 0);
	assert_int_equal(check(f, token, 7, T0 + SURVEY_TOKEN_SECONDS), SURVEY_TOKEN_OK);
	assert_int_equal(check(f, token, 7, T0 + SURVEY_TOKEN_SECONDS + 1), SURVEY_TOKEN_EXPIRED);
	assert_int_equal(check(f, token, 8, T0), SURVEY_TOKEN_BAD);                /* another run */
	assert_int_equal(check(f, token, 7, T0 - 61), SURVEY_TOKEN_BAD);           /* issued in the future */
	assert_int_equal(check(f, token, 7, T0 - 60), SURVEY_TOKEN_OK);            /* clocks a little apart */
	assert_string_not_equal(token, survey_token_issue(f->a, 7, T0));            /* each view its own */
}

static void test_refused(void **state)
{
	struct fixture *f = *state;
	const char *good = survey_token_issue(f->a, 7, T0);
	assert_int_equal(check(f, NULL, 7, T0), SURVEY_TOKEN_MISSING);
	assert_int_equal(check(f, "", 7, T0), SURVEY_TOKEN_MISSING);
	char *flipped = arena_strdup(f->a, good);
	flipped[strlen(flipped) - 1] = flipped[strlen(flipped) - 1] == '0' ? '1' : '0';
	char *later = arena_strdup(f->a, good);
	later[9] = '1'; /* issued a second later than signed: a longer life */
	const char *bad[] = {
		flipped, later, "x", "1.2.3", "..", arena_printf(f->a, "%s.", good), arena_printf(f->a, ".%s", good),
		arena_printf(f->a, "%s.%s", good, good), arena_printf(f->a, "-%s", good), arena_printf(f->a, "%s0", good),
		arena_printf(f->a, "9999999999999999999.%s", strchr(good, '.') + 1),
		"1780000000.AAAAAAAAAAAAAAAAAAAAA$.0000000000000000000000000000000000000000000000000000000000000000",
		"1780000000.AAAAAAAAAAAAAAAAAAAAAA.0000000000000000000000000000000000000000000000000000000000000000",
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		if (check(f, bad[i], 7, T0) != SURVEY_TOKEN_BAD)
			fail_msg("accepted or misread: %s", bad[i]);
	char longer[200];
	memset(longer, '1', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	assert_int_equal(check(f, longer, 7, T0), SURVEY_TOKEN_BAD);
}

static void test_spend_once(void **state)
{
	struct fixture *f = *state;
	struct db *db = f->t->db;
	struct survey_token a, b;
	assert_int_equal(survey_token_check(f->a, survey_token_issue(f->a, 7, T0), 7, T0, &a), SURVEY_TOKEN_OK);
	assert_int_equal(survey_token_check(f->a, survey_token_issue(f->a, 7, T0), 7, T0, &b), SURVEY_TOKEN_OK);
	assert_int_equal(survey_token_spend(db, &a, T0), 1);
	assert_int_equal(survey_token_spend(db, &a, T0 + 10), 0);
	assert_int_equal(survey_token_spend(db, &b, T0 + 10), 1);
	/* Still live: never forgotten, so never spendable again. */
	struct survey_token c;
	assert_int_equal(survey_token_check(f->a, survey_token_issue(f->a, 7, T0 + SURVEY_TOKEN_SECONDS), 7,
					    T0 + SURVEY_TOKEN_SECONDS, &c),
			 SURVEY_TOKEN_OK);
	assert_int_equal(survey_token_spend(db, &c, T0 + SURVEY_TOKEN_SECONDS), 1);
	assert_int_equal(survey_token_spend(db, &a, T0 + SURVEY_TOKEN_SECONDS), 0);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM survey_tokens_used", ""), 3);
	/* Once expired, a and b are forgotten; c stays. */
	struct survey_token d;
	int64_t later = T0 + SURVEY_TOKEN_SECONDS + 61;
	assert_int_equal(survey_token_check(f->a, survey_token_issue(f->a, 7, later), 7, later, &d), SURVEY_TOKEN_OK);
	assert_int_equal(survey_token_spend(db, &d, later), 1);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM survey_tokens_used", ""), 2);
	assert_int_equal(survey_token_spend(db, &c, later), 0);
}

int main(void)
{
	test_uk_time();
	if (auth_init() != 0)
		return 1;
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_issue_and_check),
		T(test_refused),
		T(test_spend_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
