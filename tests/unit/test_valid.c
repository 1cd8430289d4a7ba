/* test_valid.c — the validators in app/valid.c, table-driven: each row is an input and the verdict
 * (and parsed value) it must get. */
#include "helpers.h"

#include <limits.h>

#include "valid.h"

/* Fills buf with n copies of c followed by suffix; returns buf. */
static const char *repeat(char *buf, size_t n, char c, const char *suffix)
{
	memset(buf, c, n);
	strcpy(buf + n, suffix);
	return buf;
}

/* ---- valid_int ---- */

static void test_valid_int(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		long long min, max;
		bool ok;
		long long want;
	} cases[] = {
		{"0", 0, 10, true, 0},
		{"42", 0, 100, true, 42},
		{"-5", -10, 10, true, -5},
		{"10", 0, 10, true, 10},   /* bounds are inclusive */
		{"0", 0, 10, true, 0},
		{"11", 0, 10, false, 0},   /* above max */
		{"-1", 0, 10, false, 0},   /* below min */
		{"9223372036854775807", LLONG_MIN, LLONG_MAX, true, LLONG_MAX},
		{"-9223372036854775808", LLONG_MIN, LLONG_MAX, true, LLONG_MIN},
		{"9223372036854775808", LLONG_MIN, LLONG_MAX, false, 0},  /* overflow */
		{"-9223372036854775809", LLONG_MIN, LLONG_MAX, false, 0}, /* underflow */
		{"99999999999999999999999", LLONG_MIN, LLONG_MAX, false, 0},
		{"", 0, 10, false, 0},
		{" 5", 0, 10, false, 0},
		{"5 ", 0, 10, false, 0},
		{"\t5", 0, 10, false, 0},
		{"5\n", 0, 10, false, 0},
		{"abc", 0, 10, false, 0},
		{"5abc", 0, 10, false, 0},
		{"0x10", 0, 100, false, 0},
		{"1e3", 0, 10000, false, 0},
		{"3.0", 0, 10, false, 0},
		{"-", -10, 10, false, 0},
		{"--5", -10, 10, false, 0},
		{"5-", -10, 10, false, 0},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		long long got = 12345;
		bool ok = valid_int(cases[i].s, cases[i].min, cases[i].max, &got);
		if (ok != cases[i].ok)
			fail_msg("valid_int(\"%s\", %lld, %lld): got %d, want %d", cases[i].s, cases[i].min, cases[i].max, ok,
				 cases[i].ok);
		if (ok && got != cases[i].want)
			fail_msg("valid_int(\"%s\"): value %lld, want %lld", cases[i].s, got, cases[i].want);
		if (!ok && got != 12345)
			fail_msg("valid_int(\"%s\") wrote %lld although it refused", cases[i].s, got);
	}
	long long v = 7;
	assert_false(valid_int(NULL, 0, 10, &v));
	assert_int_equal(v, 7);
}

static void test_valid_id(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		bool ok;
		int64_t want;
	} cases[] = {
		{"1", true, 1},
		{"123456", true, 123456},
		{"9223372036854775807", true, INT64_MAX},
		{"0", false, 0},
		{"-1", false, 0},
		{"9223372036854775808", false, 0},
		{"", false, 0},
		{"1.0", false, 0},
		{"1 ", false, 0},
		{"one", false, 0},
		{"12/edit", false, 0},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		int64_t got = -1;
		bool ok = valid_id(cases[i].s, &got);
		if (ok != cases[i].ok)
			fail_msg("valid_id(\"%s\"): got %d, want %d", cases[i].s, ok, cases[i].ok);
		if (ok && got != cases[i].want)
			fail_msg("valid_id(\"%s\"): value %lld", cases[i].s, (long long)got);
	}
	int64_t v;
	assert_false(valid_id(NULL, &v));
}

/* ---- valid_email ---- */

static void test_valid_email(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		bool ok;
	} cases[] = {
		{"a@b.co", true},
		{"name.surname+tag@example.org", true},
		{"x@sub.example.co.uk", true},
		{"O'Brien@example.org", true},
		{"", false},
		{"ab", false},
		{"no-at-sign.example.org", false},
		{"@example.org", false},
		{"a@", false},
		{"a@b", false},               /* no dot in the domain */
		{"a@.example.org", false},
		{"a@example.org.", false},
		{"a@example..org", false},
		{"a@@example.org", false},
		{"a@b@example.org", false},
		{"a b@example.org", false},
		{"a@exa mple.org", false},
		{"\"a\"@example.org", false},
		{"a<b@example.org", false},
		{"a,b@example.org", false},
		{"a@example.org\n", false},
		{"\ta@example.org", false},
		{"caf\xc3\xa9@example.org", false}, /* ASCII only */
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		if (valid_email(cases[i].s) != cases[i].ok)
			fail_msg("valid_email(\"%s\"): want %d", cases[i].s, cases[i].ok);
	assert_false(valid_email(NULL));

	/* The local part may have 64 characters, not 65; the whole address at most 254. */
	char buf[400];
	assert_true(valid_email(repeat(buf, 64, 'a', "@example.org")));
	assert_false(valid_email(repeat(buf, 65, 'a', "@example.org")));
	char domain[300];
	snprintf(buf, sizeof buf, "a@%s", repeat(domain, 248, 'd', ".org")); /* 2 + 248 + 4 = 254 */
	assert_int_equal(strlen(buf), 254);
	assert_true(valid_email(buf));
	snprintf(buf, sizeof buf, "a@%s", repeat(domain, 249, 'd', ".org"));
	assert_false(valid_email(buf));
}

/* ---- valid_text ---- */

static void test_valid_text(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		size_t max;
		bool multiline, ok;
		const char *why;
	} cases[] = {
		{"Hello", 10, false, true, "plain"},
		{"  Ann Lee  ", 20, false, true, "spaces around are fine"},
		{"", 10, false, false, "empty"},
		{"   ", 10, false, false, "blank"},
		{"   ", 10, true, false, "blank, multiline"},
		{"\n\r\n\t", 10, true, false, "only line breaks"},
		{"abcde", 5, false, true, "exactly max"},
		{"abcdef", 5, false, false, "over max"},
		{"caf\xc3\xa9", 5, false, true, "max counts bytes: 5 bytes"},
		{"caf\xc3\xa9", 4, false, false, "max counts bytes: 5 > 4"},
		{"a\nb", 10, false, false, "newline on one line"},
		{"a\nb", 10, true, true, "newline, multiline"},
		{"a\r\nb", 10, true, true, "CRLF, multiline"},
		{"a\tb", 10, false, false, "tab on one line"},
		{"a\tb", 10, true, true, "tab, multiline"},
		{"a\x01" "b", 10, true, false, "control character"},
		{"a\x1b[31m", 10, true, false, "escape"},
		{"a\x7f", 10, true, false, "DEL"},
		{"\xff", 10, false, false, "invalid UTF-8 byte"},
		{"ab\xc3", 10, false, false, "truncated sequence"},
		{"\xc0\xaf", 10, false, false, "overlong"},
		{"\xed\xa0\x80", 10, false, false, "surrogate"},
		{"\xf4\x90\x80\x80", 10, false, false, "past U+10FFFF"},
		{"\xf0\x9f\x98\x80", 10, false, true, "emoji"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		if (valid_text(cases[i].s, cases[i].max, cases[i].multiline) != cases[i].ok)
			fail_msg("valid_text case %zu (%s): want %d", i, cases[i].why, cases[i].ok);
	assert_false(valid_text(NULL, 10, true));
}

/* ---- identifiers ---- */

static void test_valid_urn(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		bool ok;
	} cases[] = {
		{"123456", true}, {"012345", true}, {"12345", false},  {"1234567", false}, {"12345a", false},
		{" 12345", false}, {"-12345", false}, {"12 456", false}, {"", false},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		if (valid_urn(cases[i].s) != cases[i].ok)
			fail_msg("valid_urn(\"%s\"): want %d", cases[i].s, cases[i].ok);
	assert_false(valid_urn(NULL));
}

static void test_valid_slug(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		bool ok;
	} cases[] = {
		{"a", true},      {"risk-avert", true}, {"course-2026", true}, {"7", true},
		{"", false},      {"-a", false},        {"a-", false},         {"A", false},
		{"Risk", false},  {"a_b", false},       {"a b", false},        {"a/b", false},
		{"caf\xc3\xa9", false},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		if (valid_slug(cases[i].s) != cases[i].ok)
			fail_msg("valid_slug(\"%s\"): want %d", cases[i].s, cases[i].ok);
	assert_false(valid_slug(NULL));
	char buf[80];
	assert_true(valid_slug(repeat(buf, 64, 'x', "")));
	assert_false(valid_slug(repeat(buf, 65, 'x', "")));
}

/* ---- dates and times ---- */

static void test_valid_date(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		bool ok;
		int y, m, d;
	} cases[] = {
		{"2026-03-05", true, 2026, 3, 5},
		{"2024-02-29", true, 2024, 2, 29}, /* leap year */
		{"2000-02-29", true, 2000, 2, 29}, /* divisible by 400: leap */
		{"2023-02-29", false, 0, 0, 0},
		{"1900-02-29", false, 0, 0, 0},    /* divisible by 100: not leap */
		{"2100-02-29", false, 0, 0, 0},
		{"2026-04-30", true, 2026, 4, 30},
		{"2026-04-31", false, 0, 0, 0},    /* 31 April */
		{"2026-06-31", false, 0, 0, 0},
		{"2026-12-31", true, 2026, 12, 31},
		{"2026-01-31", true, 2026, 1, 31},
		{"2026-13-01", false, 0, 0, 0},
		{"2026-00-10", false, 0, 0, 0},
		{"2026-01-00", false, 0, 0, 0},
		{"2026-01-32", false, 0, 0, 0},
		{"1900-01-01", true, 1900, 1, 1},
		{"1899-12-31", false, 0, 0, 0},
		{"2200-12-31", true, 2200, 12, 31},
		{"2201-01-01", false, 0, 0, 0},
		{"2026-1-01", false, 0, 0, 0},
		{"2026-01-1", false, 0, 0, 0},
		{"2026/01/01", false, 0, 0, 0},
		{"26-01-01", false, 0, 0, 0},
		{"2026-01-01x", false, 0, 0, 0},
		{"2026-01-01T10:00", false, 0, 0, 0},
		{"2026-01-0a", false, 0, 0, 0},
		{"+026-01-01", false, 0, 0, 0},
		{"", false, 0, 0, 0},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		int y = 0, m = 0, d = 0;
		bool ok = valid_date(cases[i].s, &y, &m, &d);
		if (ok != cases[i].ok)
			fail_msg("valid_date(\"%s\"): got %d, want %d", cases[i].s, ok, cases[i].ok);
		if (ok && (y != cases[i].y || m != cases[i].m || d != cases[i].d))
			fail_msg("valid_date(\"%s\"): parsed %d-%d-%d", cases[i].s, y, m, d);
	}
	int y, m, d;
	assert_false(valid_date(NULL, &y, &m, &d));
}

static void test_valid_datetime(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		bool ok;
		int64_t want; /* UTC seconds */
	} cases[] = {
		/* local UK time: GMT in winter */
		{"2026-01-15T09:30", true, 1768469400},          /* 2026-01-15T09:30Z */
		{"2026-01-15 09:30", true, 1768469400},
		/* BST in summer: local midnight-thirty is 23:30 UTC the day before */
		{"2026-07-01T00:30", true, 1782862200},          /* 2026-06-30T23:30Z */
		{"2026-07-01 00:30", true, 1782862200},
		{"2026-07-01T00:30:15", true, 1782862215},
		/* either side of the spring change (01:00 UTC, 29 March 2026) */
		{"2026-03-29T00:30", true, 1774744200},          /* GMT: 00:30Z */
		{"2026-03-29T02:30", true, 1774747800},          /* BST: 01:30Z */
		/* either side of the autumn change (01:00 UTC, 25 October 2026) */
		{"2026-10-24T12:00", true, 1792839600},          /* BST: 11:00Z */
		{"2026-10-25T03:00", true, 1792897200},          /* GMT: 03:00Z */
		/* explicit offsets ignore the local zone */
		{"2026-07-01T00:30Z", true, 1782865800},
		{"2026-07-01T00:30:00Z", true, 1782865800},
		{"2026-07-01T00:30+01:00", true, 1782862200},
		{"2026-07-01T00:30:00+01:00", true, 1782862200},
		{"2026-07-01T00:30:00-05:30", true, 1782885600}, /* 06:00Z */
		{"2026-01-15T09:30+00:00", true, 1768469400},
		{"2000-02-29T12:00Z", true, 951825600},
		{"1900-01-01T00:00Z", true, -2208988800LL},
		{"2200-12-31T23:59:59Z", true, 7289654399LL},
		/* bad forms */
		{"", false, 0},
		{"2026-07-01", false, 0},
		{"2026-07-01T", false, 0},
		{"2026-07-01T00:3", false, 0},
		{"2026-07-01T0030", false, 0},
		{"2026-07-01T0a:30", false, 0},
		{"2026-07-01X00:30", false, 0},
		{"2026-07-01T24:00", false, 0},
		{"2026-07-01T23:60", false, 0},
		{"2026-07-01T00:30:60", false, 0},
		{"2026-07-01T00:30:", false, 0},
		{"2026-07-01T00:30:5", false, 0},
		{"2026-02-30T10:00", false, 0},
		{"2026-04-31T10:00Z", false, 0},
		{"2026-07-01T00:30 ", false, 0},
		{"2026-07-01T00:30z", false, 0},
		{"2026-07-01T00:30Zjunk", false, 0},
		{"2026-07-01T00:30+01", false, 0},
		{"2026-07-01T00:30+1:00", false, 0},
		{"2026-07-01T00:30+0100", false, 0},
		{"2026-07-01T00:30+15:00", false, 0},
		{"2026-07-01T00:30+01:60", false, 0},
		{"2026-07-01T00:30:00.000Z", false, 0},
		{"2026-07-01T00:30:00+01:00:00", false, 0},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		int64_t got = 42;
		bool ok = valid_datetime(cases[i].s, &got);
		if (ok != cases[i].ok)
			fail_msg("valid_datetime(\"%s\"): got %d, want %d", cases[i].s, ok, cases[i].ok);
		if (ok && got != cases[i].want)
			fail_msg("valid_datetime(\"%s\"): %lld, want %lld (off by %lld s)", cases[i].s, (long long)got,
				 (long long)cases[i].want, (long long)(got - cases[i].want));
	}
	int64_t t;
	assert_false(valid_datetime(NULL, &t));
}

static void test_local_midnight(void **state)
{
	(void)state;
	static const struct {
		int y, m, d;
		int64_t want;
	} cases[] = {
		{2026, 1, 15, 1768435200},  /* GMT: 00:00Z */
		{2026, 7, 1, 1782860400},   /* BST: 2026-06-30T23:00Z */
		{2026, 3, 29, 1774742400},  /* the spring change day starts in GMT */
		{2026, 3, 30, 1774825200},  /* and the next starts in BST: 2026-03-29T23:00Z */
		{2026, 10, 25, 1792882800}, /* the autumn change day starts in BST: 2026-10-24T23:00Z */
		{2026, 10, 26, 1792972800}, /* and the next in GMT */
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		int64_t got = local_midnight(cases[i].y, cases[i].m, cases[i].d);
		if (got != cases[i].want)
			fail_msg("local_midnight(%d-%02d-%02d) = %lld, want %lld", cases[i].y, cases[i].m, cases[i].d,
				 (long long)got, (long long)cases[i].want);
	}
	/* The spring change day is 23 hours long, the autumn one 25, an ordinary day 24. */
	assert_int_equal(local_midnight(2026, 3, 30) - local_midnight(2026, 3, 29), 23 * 3600);
	assert_int_equal(local_midnight(2026, 10, 26) - local_midnight(2026, 10, 25), 25 * 3600);
	assert_int_equal(local_midnight(2026, 6, 2) - local_midnight(2026, 6, 1), 24 * 3600);
	/* A local date-time is its day's midnight plus the clock time. */
	int64_t t;
	assert_true(valid_datetime("2026-03-30T09:00", &t));
	assert_int_equal(t, local_midnight(2026, 3, 30) + 9 * 3600);
}

static void test_valid_password(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		bool ok;
	} cases[] = {
		{"0123456789", true},
		{"012345678", false},
		{"correct horse battery staple", true},
		{"p\xc3\xa4ssw\xc3\xb6rd-12", true},
		{"", false},
		{"abcdefghi\xff", false},          /* invalid UTF-8 */
		{"abcdefghij\xc3", false},         /* truncated sequence */
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		if (valid_password(cases[i].s) != cases[i].ok)
			fail_msg("valid_password(\"%s\"): want %d", cases[i].s, cases[i].ok);
	assert_false(valid_password(NULL));
	char buf[300];
	assert_true(valid_password(repeat(buf, 256, 'p', "")));
	assert_false(valid_password(repeat(buf, 257, 'p', "")));
}

/* ---- valid_local_path, valid_header_value: what may reach Location and other headers ---- */

static void test_valid_local_path(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		bool ok;
	} cases[] = {
		{"/", true},
		{"/sessions/12?done=created#top", true},
		{"/login?next=%2Fsessions%2F1", true},
		{"/%2F%2Fevil.example", true}, /* escaped slashes stay a path on this site */
		{"", false},
		{"sessions", false},                 /* relative */
		{"//evil.example/x", false},         /* another site, scheme-relative */
		{"/\\evil.example/x", false},        /* browsers read \ as / */
		{"/a\\b", false},
		{"/\t/evil.example/x", false},        /* browsers drop the tab: //evil.example */
		{"/\r\nX:1", false},                 /* header injection */
		{"/\nx", false},
		{"/a b", false},
		{"/\x7f", false},
		{"/caf\xc3\xa9", false},             /* non-ASCII: must arrive escaped */
		{"https://evil.example/", false},
		{"javascript:alert(1)", false},
		{" /", false},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		if (valid_local_path(cases[i].s) != cases[i].ok)
			fail_msg("valid_local_path case %zu (\"%s\"): want %d", i, cases[i].s, cases[i].ok);
	assert_false(valid_local_path(NULL));
	static char buf[VALID_LOCAL_PATH_MAX + 8];
	buf[0] = '/';
	assert_true(valid_local_path(repeat(buf + 1, VALID_LOCAL_PATH_MAX - 1, 'a', "") - 1));
	assert_false(valid_local_path(repeat(buf + 1, VALID_LOCAL_PATH_MAX, 'a', "") - 1));
}

static void test_valid_base_url(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		bool ok;
	} cases[] = {
		{"https://lantern.example.org", true},
		{"http://127.0.0.1:8080", true},
		{"https://training.essex-partnership.example:8443", true},
		{"http://localhost", true},
		{"http://[::1]:8080", true},
		{"HTTPS://lantern.example.org", false}, /* the scheme as lantern writes it */
		{"https://lantern.example.org/", false}, /* no path, not even / */
		{"https://lantern.example.org/lantern", false},
		{"https://lantern.example.org?x=1", false},
		{"https://lantern.example.org#top", false},
		{"https://user@lantern.example.org", false},
		{"https://user:pw@lantern.example.org", false},
		{"ftp://lantern.example.org", false},
		{"lantern.example.org", false},
		{"//lantern.example.org", false},
		{"https://", false},
		{"https://:8080", false},
		{"https://lantern.example.org:", false},
		{"https://lantern.example.org:0", false},
		{"https://lantern.example.org:65536", false},
		{"https://lantern.example.org:+80", false},
		{"https://lantern.example.org:080", false},
		{"https://lantern..example.org", false},
		{"https://-lantern.example.org", false},
		{"https://lantern-.example.org", false},
		{"https://lantern.example.org.", false},
		{"https://lantern example.org", false},
		{"https://lantern.example.org\r\nX:1", false},
		{"https://[]", false},
		{"https://[::1", false},
		{"https://[::1]x", false},
		{"", false},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		if (valid_base_url(cases[i].s) != cases[i].ok)
			fail_msg("valid_base_url(\"%s\"): want %d", cases[i].s, cases[i].ok);
	assert_false(valid_base_url(NULL));
}

static void test_valid_header_value(void **state)
{
	(void)state;
	assert_true(valid_header_value(""));
	assert_true(valid_header_value("attachment; filename=\"lantern-2025-Q1-essex.csv\""));
	assert_false(valid_header_value("a\r\nSet-Cookie: x=1"));
	assert_false(valid_header_value("a\nb"));
	assert_false(valid_header_value("a\tb"));
	assert_false(valid_header_value("\x7f"));
	assert_false(valid_header_value("caf\xc3\xa9"));
	assert_false(valid_header_value(NULL));
}

int main(void)
{
	test_uk_time();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_int),
		cmocka_unit_test(test_valid_id),
		cmocka_unit_test(test_valid_email),
		cmocka_unit_test(test_valid_text),
		cmocka_unit_test(test_valid_urn),
		cmocka_unit_test(test_valid_slug),
		cmocka_unit_test(test_valid_date),
		cmocka_unit_test(test_valid_datetime),
		cmocka_unit_test(test_local_midnight),
		cmocka_unit_test(test_valid_password),
		cmocka_unit_test(test_valid_local_path),
		cmocka_unit_test(test_valid_header_value),
		cmocka_unit_test(test_valid_base_url),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
