/* test_resp.c — the response in app/resp.c: a header, cookie, redirect or JSON answer that fails its
 * check makes the request a 500 (struct resp's fault) instead of stopping the process, and only
 * clean lines reach the serialised head. */
#include "helpers.h"

#include "resp.h"

struct fixture {
	struct arena *arena;
	struct resp o;
	struct buf out;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->arena = arena_new();
	resp_init(&f->o, f->arena);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	resp_free(&f->o);
	buf_free(&f->out);
	arena_free(f->arena);
	free(f);
	return 0;
}

/* The head as the server would send it, after resp_settle. */
static const char *head(struct fixture *f, int status)
{
	buf_reset(&f->out);
	resp_serialize(&f->o, resp_settle(&f->o, status), true, &f->out);
	return f->out.data;
}

static void test_clean_headers_pass(void **state)
{
	struct fixture *f = *state;
	resp_header(&f->o, "Content-Disposition", "attachment; filename=\"session-1-attendance.csv\"");
	resp_cookie(&f->o, "lantern_session", "AbC-_123", -1);
	assert_int_equal(resp_redirect(&f->o, "/sessions/1?done=created"), 303);
	assert_null(f->o.fault);
	const char *h = head(f, 303);
	assert_non_null(strstr(h, "Status: 303 See Other\r\n"));
	assert_non_null(strstr(h, "\r\nLocation: /sessions/1?done=created\r\n"));
	assert_non_null(strstr(h, "\r\nSet-Cookie: lantern_session=AbC-_123; Path=/; Secure; HttpOnly; SameSite=Lax\r\n"));
}

/* Each of these would once have stopped the process (die) or split a header. */
static void test_bad_values_fail_the_request(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *name, *value;
	} bad[] = {
		{"Location", "/\r\nX:1"}, {"X-Test", "a\nb"}, {"X-Test", "tab\there"}, {"X-Test", "caf\xc3\xa9"},
		{"Bad Name", "x"},        {"Bad:Name", "x"},  {"", "x"},
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		resp_reset(&f->o);
		f->o.fault = NULL;
		resp_header(&f->o, bad[i].name, bad[i].value);
		if (f->o.fault == NULL)
			fail_msg("header %zu was accepted", i);
		assert_int_equal(f->o.headers.len, 0);
	}
	f->o.fault = NULL;
	resp_cookie(&f->o, "lantern_session", "a;b", 0);
	assert_non_null(f->o.fault);
	f->o.fault = NULL;
	resp_redirect(&f->o, "//evil.example/");
	assert_non_null(f->o.fault);
	f->o.fault = NULL;
	resp_redirect(&f->o, "/\t/evil.example/");
	assert_non_null(f->o.fault);
	assert_int_equal(f->o.headers.len, 0);
}

/* A fault outlives resp_reset, and the answer goes out as a plain 500 with none of the headers the
 * handler had set before or after it. */
static void test_fault_becomes_500(void **state)
{
	struct fixture *f = *state;
	resp_header(&f->o, "X-Before", "kept?");
	resp_redirect(&f->o, "/\r\nSet-Cookie: x=1");
	resp_reset(&f->o);
	resp_header(&f->o, "X-After", "kept?");
	assert_non_null(f->o.fault);
	const char *h = head(f, 303);
	assert_true(str_starts(h, "Status: 500 Internal Server Error\r\n"));
	assert_null(strstr(h, "X-Before"));
	assert_null(strstr(h, "X-After"));
	assert_null(strstr(h, "Location"));
	assert_null(strstr(h, "x=1"));
	assert_non_null(strstr(f->o.body.data, "problem with the service"));
	assert_int_equal(resp_body_length(&f->o, 500, false), f->o.body.len);
}

/* JSON that cannot be serialised (jansson answers NULL for text that is not UTF-8) is a 500 too. */
static void test_bad_json_fails_the_request(void **state)
{
	struct fixture *f = *state;
	resp_json(&f->o, 200, json_string("not \xff UTF-8"));
	assert_non_null(f->o.fault);
	assert_true(str_starts(head(f, 200), "Status: 500 "));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_clean_headers_pass),
		T(test_bad_values_fail_the_request),
		T(test_fault_becomes_500),
		T(test_bad_json_fails_the_request),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
