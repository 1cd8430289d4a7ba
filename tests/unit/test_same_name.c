/* test_same_name.c — str_same_name(): names as people type them (the settings import's phases and
 * areas) match in any case, with spaces, hyphens and underscores alike, and nothing more. */
#include "helpers.h"

#include "util.h"

static void test_same_names(void **state)
{
	(void)state;
	static const char *const same[][2] = {
		{"Southend-on-Sea", "southend on sea"},
		{"Southend-on-Sea", " SOUTHEND_ON_SEA "},
		{"castle-point", "Castle  Point"},
		{"Secondary", "secondary"},
		{"sixth-form", "Sixth form"},
		{"he", "HE\t"},
		{"", "  "},
	};
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
		assert_true(str_same_name(same[i][0], same[i][1]));
}

static void test_different_names(void **state)
{
	(void)state;
	static const char *const different[][2] = {
		{"castle-point", "castlepoint"},
		{"Southend-on-Sea", "Southend"},
		{"Secondary", "Secondry"},
		{"he", "h e x"},
		{"essex", "greater-essex"},
		{"", "x"},
	};
	for (size_t i = 0; i < sizeof different / sizeof different[0]; i++) {
		assert_false(str_same_name(different[i][0], different[i][1]));
		assert_false(str_same_name(different[i][1], different[i][0]));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_names),
		cmocka_unit_test(test_different_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
