/* test_numbers.c — double_text() and double_decimal(): figures written to the audit trail and the
 * exports read back as exactly the number entered, in the fewest digits, and xs:decimal never has an
 * exponent. */
#include "helpers.h"

#include <stdlib.h>

static void test_shortest_text_reads_back_exactly(void **state)
{
	(void)state;
	static const struct {
		double v;
		const char *text;
	} cases[] = {
		{0, "0"},
		{42, "42"},
		{20, "20"},
		{900, "900"},
		{150, "150"},
		{-7000, "-7000"},
		{1e16, "10000000000000000"},
		{1234567, "1234567"},
		{12.345678, "12.345678"},
		{0.1, "0.1"},
		{66.7, "66.7"},
		{0.1 + 0.2, "0.30000000000000004"},
		{123456789012345678.0, "1.2345678901234568e+17"},
		{1e300, "1e+300"},
		{5e-324, "5e-324"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char out[32];
		double_text(cases[i].v, out);
		assert_string_equal(out, cases[i].text);
		assert_true(strtod(out, NULL) == cases[i].v);
	}
}

static void test_decimal_has_no_exponent(void **state)
{
	(void)state;
	static const struct {
		double v;
		const char *text;
	} cases[] = {
		{1234567, "1234567"},
		{12.345678, "12.345678"},
		{1e21, "1000000000000000000000"},
		{1.5e-7, "0.00000015"},
		{-2.5e-5, "-0.000025"},
		{123456789012345678.0, "123456789012345680"},
		{1.25e3, "1250"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char out[DOUBLE_DECIMAL_MAX];
		double_decimal(cases[i].v, out);
		assert_string_equal(out, cases[i].text);
		assert_true(strtod(out, NULL) == cases[i].v);
	}
	/* The extremes fit. */
	char out[DOUBLE_DECIMAL_MAX];
	double_decimal(1.7976931348623157e308, out);
	assert_int_equal(strlen(out), 309);
	double_decimal(5e-324, out);
	assert_true(strtod(out, NULL) == 5e-324);
	assert_null(strchr(out, 'e'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shortest_text_reads_back_exactly),
		cmocka_unit_test(test_decimal_has_no_exponent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
