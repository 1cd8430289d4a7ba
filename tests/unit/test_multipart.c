/* test_multipart.c — the multipart/form-data parser in app/multipart.c: the boundary parameter,
 * bodies as browsers send them, binary data, look-alike boundaries inside data, and every way a
 * body can be malformed or too big; and the request parser handing fields and files over. */
#include "helpers.h"

#include "multipart.h"
#include "req.h"

#define B "----formdata-abc123"
#define CT "multipart/form-data; boundary=" B

static void test_boundary(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	static const struct {
		const char *ct, *want;
	} cases[] = {
		{CT, B},
		{"multipart/form-data;boundary=xyz", "xyz"},
		{"Multipart/Form-Data; BOUNDARY=xyz", "xyz"},
		{"multipart/form-data; charset=utf-8; boundary=xyz", "xyz"},
		{"multipart/form-data; boundary=\"a b:c\"", "a b:c"},
		{"multipart/form-data; boundary=\"xyz\"; charset=utf-8", "xyz"},
		{"multipart/form-data; boundary=" "0123456789012345678901234567890123456789012345678901234567890123456789",
		 "0123456789012345678901234567890123456789012345678901234567890123456789"},
		{"multipart/form-data; boundary=" "01234567890123456789012345678901234567890123456789012345678901234567890",
		 NULL}, /* 71 characters */
		{"multipart/form-data", NULL},
		{"multipart/form-data; charset=utf-8", NULL},
		{"multipart/form-data; boundary=", NULL},
		{"multipart/form-data; boundary=\"\"", NULL},
		{"multipart/form-data; boundary=\"unclosed", NULL},
		{"multipart/form-data; boundary=\"ends in space \"", NULL},
		{"multipart/form-data; boundary=bad<char>", NULL},
		{"multipart/mixed; boundary=xyz", NULL},
		{"application/x-www-form-urlencoded", NULL},
		{"multipart/form-dataX; boundary=xyz", NULL},
		{NULL, NULL},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const char *got = multipart_boundary(a, cases[i].ct);
		if ((got == NULL) != (cases[i].want == NULL) || (got && strcmp(got, cases[i].want) != 0))
			fail_msg("multipart_boundary(%s): got %s, want %s", cases[i].ct ? cases[i].ct : "NULL",
				 got ? got : "NULL", cases[i].want ? cases[i].want : "NULL");
	}
	arena_free(a);
}

static int parse(struct arena *a, const char *body, size_t len, struct multipart_part *parts, const char **why)
{
	*why = NULL;
	return multipart_parse(a, multipart_boundary(a, CT), body, len, parts, MULTIPART_MAX_PARTS, why);
}

static void test_browser_body(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	static const char body[] =
		"--" B "\r\n"
		"Content-Disposition: form-data; name=\"csrf\"\r\n\r\n"
		"tok.123\r\n"
		"--" B "\r\n"
		"content-disposition: form-data; name=\"file\"; filename=\"schools; 2025.csv\"\r\n"
		"Content-Type: text/csv\r\n\r\n"
		"urn,name\r\n"
		"--" B "X is not a delimiter\r\n" /* a look-alike inside the data */
		"\r\n--" B "Y\r\n"
		"123456,\"A, B\"\r\n\r\n"
		"--" B "\r\n"
		"Content-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n"
		"Content-Type: application/octet-stream\r\n\r\n"
		"\r\n"
		"--" B "--\r\n"
		"epilogue is ignored";
	struct multipart_part parts[MULTIPART_MAX_PARTS];
	const char *why;
	int n = parse(a, body, sizeof body - 1, parts, &why);
	assert_int_equal(n, 3);
	assert_string_equal(parts[0].name, "csrf");
	assert_null(parts[0].filename);
	assert_null(parts[0].content_type);
	assert_int_equal(parts[0].len, 7);
	assert_memory_equal(parts[0].data, "tok.123", 7);
	assert_string_equal(parts[1].name, "file");
	assert_string_equal(parts[1].filename, "schools; 2025.csv");
	assert_string_equal(parts[1].content_type, "text/csv");
	static const char file[] = "urn,name\r\n--" B "X is not a delimiter\r\n\r\n--" B "Y\r\n123456,\"A, B\"\r\n";
	assert_int_equal(parts[1].len, sizeof file - 1);
	assert_memory_equal(parts[1].data, file, sizeof file - 1);
	assert_string_equal(parts[2].name, "empty");
	assert_string_equal(parts[2].filename, "");
	assert_int_equal(parts[2].len, 0);
	arena_free(a);
}

static void test_preamble_binary_and_padding(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	/* A preamble before the first delimiter, transport padding after one, and NUL bytes in data. */
	static const char body[] = "preamble\r\n--" B "  \r\n"
				   "Content-Disposition: form-data; name=bin; filename=x.bin\r\n\r\n"
				   "a\0b\r\n"
				   "--" B "--";
	struct multipart_part parts[MULTIPART_MAX_PARTS];
	const char *why;
	assert_int_equal(parse(a, body, sizeof body - 1, parts, &why), 1);
	assert_string_equal(parts[0].name, "bin");
	assert_string_equal(parts[0].filename, "x.bin");
	assert_int_equal(parts[0].len, 3);
	assert_memory_equal(parts[0].data, "a\0b", 3);
	/* No parts at all is a well-formed (empty) form. */
	static const char none[] = "--" B "--\r\n";
	assert_int_equal(parse(a, none, sizeof none - 1, parts, &why), 0);
	arena_free(a);
}

static void test_malformed(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	static const char *const bad[] = {
		"",
		"no boundary anywhere",
		"--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue never closed",
		"--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue\r\n--" B, /* delimiter not ended */
		"--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\nvalue without a blank line\r\n--" B "--",
		"--" B "\r\n\r\nno headers\r\n--" B "--",
		"--" B "\r\nContent-Type: text/plain\r\n\r\nno disposition\r\n--" B "--",
		"--" B "\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nv\r\n--" B "--",
		"--" B "\r\nContent-Disposition: form-data; filename=\"a\"\r\n\r\nno name\r\n--" B "--",
		"--" B "\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nempty name\r\n--" B "--",
		"--" B "\r\nContent-Disposition: form-data; name=\"a\r\n\r\nunclosed quote\r\n--" B "--",
		"--" B "\r\nContent-Disposition: form-data; name=\"a\tb\"\r\n\r\ncontrol char\r\n--" B "--",
		"--" B "\r\nContent-Disposition: form-data; name=\"\xff\"\r\n\r\nnot utf-8\r\n--" B "--",
		"--" B "\r\nmalformed header line\r\n\r\nv\r\n--" B "--",
		"--" B "\nContent-Disposition: form-data; name=\"a\"\n\nLF only\n--" B "--",
		"--" B "X\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--" B "--", /* wrong boundary */
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct multipart_part parts[MULTIPART_MAX_PARTS];
		const char *why;
		int n = parse(a, bad[i], strlen(bad[i]), parts, &why);
		if (n != -1 || why == NULL)
			fail_msg("case %zu parsed (%d parts):\n%s", i, n, bad[i]);
	}
	struct multipart_part parts[MULTIPART_MAX_PARTS];
	const char *why;
	assert_int_equal(multipart_parse(a, NULL, "x", 1, parts, 4, &why), -1);
	arena_free(a);
}

static void test_limits(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct buf b = {0};
	for (int i = 0; i <= MULTIPART_MAX_PARTS; i++)
		buf_printf(&b, "--" B "\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\n%d\r\n", i, i);
	buf_puts(&b, "--" B "--\r\n");
	struct multipart_part parts[MULTIPART_MAX_PARTS];
	const char *why;
	assert_int_equal(parse(a, b.data, b.len, parts, &why), -1);
	assert_string_equal(why, "the form has too many parts");

	buf_reset(&b);
	buf_puts(&b, "--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Long: ");
	for (int i = 0; i < MULTIPART_MAX_HEADER; i++)
		buf_putc(&b, 'x');
	buf_puts(&b, "\r\n\r\nv\r\n--" B "--\r\n");
	assert_int_equal(parse(a, b.data, b.len, parts, &why), -1);
	buf_free(&b);
	arena_free(a);
}

/* req_parse hands text parts over as form fields and keeps files apart. */
static void test_request(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	static const char body[] = "--" B "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n"
				   "--" B "\r\nContent-Disposition: form-data; name=\"csv\"\r\n\r\npasted\r\n"
				   "--" B "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.csv\"\r\n"
				   "Content-Type: text/csv\r\n\r\nurn\r\n--" B "--\r\n";
	struct req r = {.arena = a};
	struct req_raw raw = {.method = "POST", .path = "/schools/import", .content_type = CT, .body = body,
			      .body_len = sizeof body - 1};
	const char *why = NULL;
	assert_int_equal(req_parse(&r, &raw, &why), 0);
	assert_string_equal(req_form(&r, "csrf"), "abc");
	assert_string_equal(req_form(&r, "csv"), "pasted");
	assert_null(req_form(&r, "file"));
	const struct multipart_part *f = req_file(&r, "file");
	assert_non_null(f);
	assert_string_equal(f->filename, "s.csv");
	assert_int_equal(f->len, 3);
	assert_null(req_file(&r, "csv"));
	req_free(&r);

	/* A text field must be UTF-8 without NUL bytes, as in url-encoded forms. */
	static const char nul[] = "--" B "\r\nContent-Disposition: form-data; name=\"csv\"\r\n\r\na\0b\r\n--" B "--\r\n";
	struct req r2 = {.arena = a};
	raw.body = nul;
	raw.body_len = sizeof nul - 1;
	assert_int_equal(req_parse(&r2, &raw, &why), 400);
	req_free(&r2);

	struct req r3 = {.arena = a};
	raw.body = "garbage";
	raw.body_len = 7;
	assert_int_equal(req_parse(&r3, &raw, &why), 400);
	req_free(&r3);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boundary),
		cmocka_unit_test(test_browser_body),
		cmocka_unit_test(test_preamble_binary_and_padding),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_request),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
