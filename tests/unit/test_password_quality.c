/* test_password_quality.c — app/password_quality.c: which passwords are refused, and that each
 * refusal is our own plain sentence naming the field. */
#include "helpers.h"

#include "auth.h"
#include "password_quality.h"

static void test_verdicts(void **state)
{
	(void)state;
	static const struct {
		const char *password, *email, *current;
		const char *want; /* a fragment of the sentence, or NULL: accepted */
	} cases[] = {
		{"quiet-otter-lamp-41", "olive@example.org", NULL, NULL},
		{"correct horse battery", NULL, NULL, NULL},
		{"lantern-demo", "admin@lantern.example", NULL, NULL},
		{"lantern-test-password", "someone@example.org", NULL, NULL},
		{"short", NULL, NULL, "at least 10 characters"},
		{"123456789", NULL, NULL, "at least 10 characters"},
		{"ééééé", NULL, NULL, "at least 10 characters"}, /* 10 bytes, 5 characters */
		{"aaaaaaaaaa", NULL, NULL, "reads the same backwards"},
		{"sunflowers", NULL, NULL, "word from the dictionary"},
		{"Basketball1", NULL, NULL, "word from the dictionary"},
		{"abcdefghijkl", NULL, NULL, "simple pattern"},
		{"1234567890", NULL, NULL, "simple pattern"},
		{"abcabcabcabc", NULL, NULL, "too few different characters"},
		{"olive-lamp-quiet-7", "olive@example.org", NULL, "name part of the account's e-mail"},
		{"quiet-otter-lamp-41", "olive@example.org", "quiet-otter-lamp-41", "same as the current password"},
		{"x\xff\xfe-otter-lamp", NULL, NULL, "characters that cannot be used"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const char *got = password_problem(cases[i].password, PASSWORD_FIELD_PASSWORD, cases[i].email, cases[i].current);
		if (cases[i].want == NULL) {
			if (got)
				fail_msg("%s: refused (%s)", cases[i].password, got);
			continue;
		}
		if (got == NULL)
			fail_msg("%s: accepted", cases[i].password);
		assert_contains(got, cases[i].want);
		assert_true(str_starts(got, "The password "));
	}
	char *long_one = calloc(1, PASSWORD_MAX + 2);
	memset(long_one, 'q', PASSWORD_MAX + 1);
	assert_contains(password_problem(long_one, PASSWORD_FIELD_PASSWORD, NULL, NULL), "at most 256 characters");
	free(long_one);
	assert_contains(password_problem(NULL, PASSWORD_FIELD_PASSWORD, NULL, NULL), "at least 10");
}

static void test_names_the_field(void **state)
{
	(void)state;
	const char *got = password_problem("aaaaaaaaaa", PASSWORD_FIELD_NEW, NULL, NULL);
	assert_non_null(got);
	assert_true(str_starts(got, "Your new password reads the same backwards"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_names_the_field),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
