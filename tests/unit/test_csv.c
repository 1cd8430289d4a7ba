/* test_csv.c — the CSV reader and writer in app/csv.c: line ends, the byte-order mark, quoting,
 * line numbers (also across quoted line breaks), every kind of malformed record with reading going on
 * after it, limits, and the writer's quoting and formula guard. */
#include "helpers.h"

#include "csv.h"

/* Reads all of data and renders it as one line per record: "L<line>:a|b|c" or "L<line>!why". */
static char *render(const char *data, size_t len)
{
	struct csv c;
	struct csv_row row;
	struct buf out = {0};
	csv_open(&c, data, len);
	enum csv_status st;
	while ((st = csv_read(&c, &row)) != CSV_END) {
		if (st == CSV_BAD) {
			buf_printf(&out, "L%d!%s\n", row.line, row.error);
			continue;
		}
		buf_printf(&out, "L%d:", row.line);
		for (int i = 0; i < row.nfields; i++)
			buf_printf(&out, "%s%s", i ? "|" : "", row.field[i]);
		buf_putc(&out, '\n');
	}
	csv_close(&c);
	buf_putc(&out, '\0'); /* an empty result is still a string */
	return buf_take(&out);
}

static void check(const char *data, const char *want)
{
	char *got = render(data, strlen(data));
	if (strcmp(got, want) != 0)
		fail_msg("reading\n%s\ngot\n%s\nwant\n%s", data, got, want);
	free(got);
}

static void test_records_and_line_ends(void **state)
{
	(void)state;
	check("a,b,c\n1,2,3\n", "L1:a|b|c\nL2:1|2|3\n");
	check("a,b,c\r\n1,2,3\r\n", "L1:a|b|c\nL2:1|2|3\n");
	check("a,b\r1,2\r", "L1:a|b\nL2:1|2\n");                  /* old Mac line ends */
	check("a,b\n1,2", "L1:a|b\nL2:1|2\n");                    /* no final line end */
	check("a,,c\n,\n", "L1:a||c\nL2:|\n");                     /* empty fields */
	check("a,b,\n", "L1:a|b|\n");                              /* a trailing comma makes an empty field */
	check(" a , b \n", "L1: a | b \n");                        /* spaces are data */
	check("", "");
	check("\n\r\n\n", "");
	check("a\n\n\r\nb\n", "L1:a\nL4:b\n"); /* empty lines are skipped but counted */
}

static void test_bom(void **state)
{
	(void)state;
	check("\xef\xbb\xbfurn,name\r\n1,x\r\n", "L1:urn|name\nL2:1|x\n");
	check("\xef\xbb\xbf", "");
	/* Only a leading BOM is special; elsewhere the bytes are data. */
	check("a\n\xef\xbb\xbf" "b\n", "L1:a\nL2:\xef\xbb\xbf" "b\n");
}

static void test_quoted_fields(void **state)
{
	(void)state;
	check("\"a,b\",c\n", "L1:a,b|c\n");
	check("\"say \"\"hi\"\"\",x\n", "L1:say \"hi\"|x\n");
	check("\"\",x\n", "L1:|x\n");
	check("\"\"\"\"\n", "L1:\"\n");
	check("x,\"last\"\r\n", "L1:x|last\n");
	check("x,\"last\"", "L1:x|last\n");
	/* Line breaks inside quotes are data (as LF) and still count as lines. */
	check("\"two\nlines\",b\nnext,row\n", "L1:two\nlines|b\nL3:next|row\n");
	check("\"two\r\nlines\",b\r\nnext,row\r\n", "L1:two\nlines|b\nL3:next|row\n");
	check("\"a\r\rb\"\nc\n", "L1:a\n\nb\nL4:c\n");
	check("é,\"Ysgol Gymraeg, Bro\"\n", "L1:é|Ysgol Gymraeg, Bro\n");
}

static void test_bad_records_do_not_hide_others(void **state)
{
	(void)state;
	check("ok,1\n\"a\"b,2\nok,3\n", "L1:ok|1\nL2!there is text after a closing quote\nL3:ok|3\n");
	check("ok,1\nab\"c,2\nok,3\n",
	      "L1:ok|1\nL2!a quote appears inside a field that does not start with one\nL3:ok|3\n");
	check("ok,1\n\"never closed,2\nok,3\n",
	      "L1:ok|1\nL2!a quoted field is not closed before the end of the file\n");
	/* A NUL byte cannot be passed in a C string literal's strlen, so build it. */
	char nul[] = "ok,1\nbad\0x,2\nok,3\n";
	char *got = render(nul, sizeof nul - 1);
	assert_string_equal(got, "L1:ok|1\nL2!it contains a NUL byte\nL3:ok|3\n");
	free(got);
	/* A bad quoted field with a line break inside: the record still ends where the grammar says. */
	check("\"a\nb\"x,1\nok\n", "L1!there is text after a closing quote\nL3:ok\n");
}

static void test_limits(void **state)
{
	(void)state;
	struct buf b = {0};
	for (int i = 0; i < CSV_MAX_FIELDS; i++)
		buf_puts(&b, i ? ",f" : "f");
	buf_puts(&b, "\n");
	char *got = render(b.data, b.len);
	assert_int_equal(test_count(got, "|"), CSV_MAX_FIELDS - 1);
	free(got);
	buf_reset(&b);
	for (int i = 0; i <= CSV_MAX_FIELDS; i++)
		buf_puts(&b, i ? ",f" : "f");
	buf_puts(&b, "\nnext\n");
	got = render(b.data, b.len);
	assert_string_equal(got, "L1!it has more than 64 fields\nL2:next\n");
	free(got);

	buf_reset(&b);
	for (int i = 0; i < CSV_MAX_FIELD; i++)
		buf_putc(&b, 'x');
	buf_puts(&b, "\n");
	got = render(b.data, b.len);
	assert_int_equal(strlen(got), strlen("L1:\n") + CSV_MAX_FIELD);
	free(got);
	buf_reset(&b);
	buf_putc(&b, '"');
	for (int i = 0; i <= CSV_MAX_FIELD; i++)
		buf_putc(&b, 'x');
	buf_puts(&b, "\"\nnext\n");
	got = render(b.data, b.len);
	assert_string_equal(got, "L1!a field is longer than 4096 characters\nL2:next\n");
	free(got);
	buf_free(&b);
}

static void test_writer(void **state)
{
	(void)state;
	struct buf b = {0};
	const char *row1[] = {"plain", "with,comma", "say \"hi\"", "two\nlines", "", NULL};
	csv_write_row(&b, row1, 6);
	assert_string_equal(b.data, "plain,\"with,comma\",\"say \"\"hi\"\"\",\"two\nlines\",,\r\n");
	buf_reset(&b);
	const char *row2[] = {"=SUM(A1)", "+1", "-x", "@cmd", "\tx", "-12", "3.5", "-0.25", "-", "a=b"};
	csv_write_row(&b, row2, 10);
	assert_string_equal(b.data, "\"'=SUM(A1)\",\"'+1\",\"'-x\",\"'@cmd\",\"'\tx\",-12,3.5,-0.25,\"'-\",a=b\r\n");
	/* What the writer writes, the reader reads back. */
	buf_reset(&b);
	csv_write_row(&b, row1, 5);
	char *got = render(b.data, b.len);
	assert_string_equal(got, "L1:plain|with,comma|say \"hi\"|two\nlines|\n");
	free(got);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records_and_line_ends),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_quoted_fields),
		cmocka_unit_test(test_bad_records_do_not_hide_others),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_writer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
