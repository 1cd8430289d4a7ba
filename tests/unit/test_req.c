/* test_req.c — request parsing in app/req.c: percent-decoding, urlencoded forms and query strings,
 * cookies, and whole requests with form and JSON bodies. */
#include "helpers.h"

#include "req.h"

static int setup_arena(void **state)
{
	*state = arena_new();
	return 0;
}

static int teardown_arena(void **state)
{
	arena_free(*state);
	return 0;
}

/* ---- req_url_decode ---- */

static void test_url_decode(void **state)
{
	struct arena *a = *state;
	static const struct {
		const char *s;
		bool plus_space;
		const char *want; /* NULL: must be refused */
	} cases[] = {
		{"", true, ""},
		{"plain", true, "plain"},
		{"a+b", true, "a b"},
		{"a+b", false, "a+b"},     /* paths keep '+' */
		{"%41%42c", true, "ABc"},
		{"%2b%2B", true, "++"},    /* either case of hex; an escaped plus stays a plus */
		{"%20", false, " "},
		{"%C3%A9t%C3%A9", true, "\xc3\xa9t\xc3\xa9"},
		{"100%25", true, "100%"},
		{"%", true, NULL},         /* truncated escapes */
		{"%4", true, NULL},
		{"a%4", true, NULL},
		{"%zz", true, NULL},       /* not hex */
		{"%g1", true, NULL},
		{"%1g", true, NULL},
		{"%00", true, NULL},       /* NUL bytes */
		{"a%00b", true, NULL},
		{"%FF", true, NULL},       /* invalid UTF-8 after decoding */
		{"%C3", true, NULL},
		{"%C0%AF", true, NULL},    /* overlong '/' */
		{"%ED%A0%80", true, NULL}, /* surrogate */
		{"\xff", true, NULL},      /* raw invalid UTF-8 too */
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const char *got = req_url_decode(a, cases[i].s, strlen(cases[i].s), cases[i].plus_space);
		if (cases[i].want == NULL && got != NULL)
			fail_msg("req_url_decode(\"%s\") = \"%s\", want refusal", cases[i].s, got);
		if (cases[i].want != NULL && (got == NULL || strcmp(got, cases[i].want) != 0))
			fail_msg("req_url_decode(\"%s\") = \"%s\", want \"%s\"", cases[i].s, got ? got : "(null)",
				 cases[i].want);
	}
	/* Only len bytes are read, and a raw NUL inside them is refused. */
	assert_string_equal(req_url_decode(a, "abc%41", 3, true), "abc");
	assert_null(req_url_decode(a, "a%4142", 2, true));
	assert_null(req_url_decode(a, "%41", 2, true)); /* an escape cut short by len, not by NUL */
	assert_null(req_url_decode(a, "a\0b", 3, true));
}

/* ---- utf8_valid ---- */

static void test_utf8(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		size_t len;
		bool ok;
	} cases[] = {
		{"", 0, true},
		{"ascii", 5, true},
		{"\xc3\xa9", 2, true},                 /* U+00E9 */
		{"\xe2\x82\xac", 3, true},             /* U+20AC */
		{"\xf0\x9f\x98\x80", 4, true},         /* U+1F600 */
		{"\xf4\x8f\xbf\xbf", 4, true},         /* U+10FFFF, the last */
		{"\xef\xbf\xbd", 3, true},             /* U+FFFD */
		{"\xc3\xa9", 1, false},                 /* cut short by len, not by NUL */
		{"\xe2\x82\xac", 2, false},
		{"\xf0\x9f\x98\x80", 3, false},
		{"\x80", 1, false},                     /* a lone continuation byte */
		{"\xc3(", 2, false},
		{"\xc0\x80", 2, false},                 /* overlong NUL */
		{"\xc1\xbf", 2, false},                 /* overlong */
		{"\xe0\x9f\xbf", 3, false},             /* overlong */
		{"\xf0\x8f\xbf\xbf", 4, false},         /* overlong */
		{"\xed\xa0\x80", 3, false},             /* U+D800, a surrogate */
		{"\xed\xbf\xbf", 3, false},             /* U+DFFF */
		{"\xf4\x90\x80\x80", 4, false},         /* past U+10FFFF */
		{"\xf5\x80\x80\x80", 4, false},
		{"\xfe", 1, false},
		{"\xff", 1, false},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		if (utf8_valid(cases[i].s, cases[i].len) != cases[i].ok)
			fail_msg("utf8_valid case %zu (len %zu): want %d", i, cases[i].len, cases[i].ok);
	/* A NUL byte is valid UTF-8; the decoders refuse it separately. */
	assert_true(utf8_valid("a\0b", 3));
}

/* ---- req_parse_urlencoded ---- */

static void test_urlencoded_pairs(void **state)
{
	struct arena *a = *state;
	struct kvlist l;
	const char *s = "name=Ann+Lee&email=ann%40example.org&n=3";
	assert_int_equal(req_parse_urlencoded(a, s, strlen(s), &l), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.items[0].key, "name");
	assert_string_equal(l.items[0].value, "Ann Lee");
	assert_string_equal(kv_get(&l, "email"), "ann@example.org");
	assert_string_equal(kv_get(&l, "n"), "3");
	assert_null(kv_get(&l, "missing"));
	assert_null(kv_get(&l, "Name")); /* names are case-sensitive */

	/* Keys are decoded too. */
	s = "a%20b=1&c+d=2";
	assert_int_equal(req_parse_urlencoded(a, s, strlen(s), &l), 0);
	assert_string_equal(kv_get(&l, "a b"), "1");
	assert_string_equal(kv_get(&l, "c d"), "2");

	/* Only len bytes count. */
	s = "a=1&b=2";
	assert_int_equal(req_parse_urlencoded(a, s, 3, &l), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(kv_get(&l, "a"), "1");
}

static void test_urlencoded_empty(void **state)
{
	struct arena *a = *state;
	struct kvlist l = {.n = 99};
	assert_int_equal(req_parse_urlencoded(a, "", 0, &l), 0);
	assert_int_equal(l.n, 0);
	l.n = 99;
	assert_int_equal(req_parse_urlencoded(a, NULL, 0, &l), 0);
	assert_int_equal(l.n, 0);

	/* Empty pairs between '&'s are skipped; a name without '=' has an empty value. */
	const char *s = "&&a=&&b&c=3&";
	assert_int_equal(req_parse_urlencoded(a, s, strlen(s), &l), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(kv_get(&l, "a"), "");
	assert_string_equal(kv_get(&l, "b"), "");
	assert_string_equal(kv_get(&l, "c"), "3");

	/* An empty name is kept as "", so it can never be mistaken for a real field. */
	s = "=v&x=1";
	assert_int_equal(req_parse_urlencoded(a, s, strlen(s), &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(kv_get(&l, ""), "v");
	assert_string_equal(kv_get(&l, "x"), "1");

	/* Only the first '=' splits. */
	s = "k=a=b";
	assert_int_equal(req_parse_urlencoded(a, s, strlen(s), &l), 0);
	assert_string_equal(kv_get(&l, "k"), "a=b");
}

static void test_urlencoded_repeated(void **state)
{
	struct arena *a = *state;
	struct kvlist l;
	const char *s = "a=1&b=x&a=2";
	assert_int_equal(req_parse_urlencoded(a, s, strlen(s), &l), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(kv_get(&l, "a"), "1"); /* the first value wins */
	assert_string_equal(l.items[2].key, "a");
	assert_string_equal(l.items[2].value, "2");
}

static void test_urlencoded_bad(void **state)
{
	struct arena *a = *state;
	static const char *const bad[] = {
		"a=%zz", "a=%4", "a=%", "%zz=1", "a%00=1", "a=%00", "a=%FF", "ok=1&a=%C3", "a=1&b=%ED%A0%80",
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct kvlist l;
		if (req_parse_urlencoded(a, bad[i], strlen(bad[i]), &l) != -1)
			fail_msg("req_parse_urlencoded(\"%s\") accepted", bad[i]);
	}
}

/* "f=1&f=1&…" with n pairs, or n-1 '&'s and nothing else when empty. */
static char *many_fields(int n, bool empty)
{
	struct buf b = {0};
	for (int i = 0; i < n; i++)
		buf_puts(&b, i ? (empty ? "&" : "&f=1") : (empty ? "" : "f=1"));
	return buf_take(&b);
}

static void test_urlencoded_too_many(void **state)
{
	struct arena *a = *state;
	struct kvlist l;
	char *s = many_fields(REQ_MAX_FIELDS, false);
	assert_int_equal(req_parse_urlencoded(a, s, strlen(s), &l), 0);
	assert_int_equal(l.n, REQ_MAX_FIELDS);
	free(s);
	s = many_fields(REQ_MAX_FIELDS + 1, false);
	assert_int_equal(req_parse_urlencoded(a, s, strlen(s), &l), -1);
	free(s);
	/* Separators alone count: the limit bounds the work, not just the result. */
	s = many_fields(REQ_MAX_FIELDS + 1, true);
	assert_int_equal(req_parse_urlencoded(a, s, strlen(s), &l), -1);
	free(s);
}

/* ---- req_parse_cookies ---- */

static void test_cookies(void **state)
{
	struct arena *a = *state;
	struct kvlist l;
	req_parse_cookies(a, "a=1; b=2", &l);
	assert_int_equal(l.n, 2);
	assert_string_equal(kv_get(&l, "a"), "1");
	assert_string_equal(kv_get(&l, "b"), "2");

	/* Spaces around pairs and before ';' are not part of names or values. */
	req_parse_cookies(a, "  a=1 ;b=2  ;   c=3  ", &l);
	assert_int_equal(l.n, 3);
	assert_string_equal(kv_get(&l, "a"), "1");
	assert_string_equal(kv_get(&l, "b"), "2");
	assert_string_equal(kv_get(&l, "c"), "3");
	req_parse_cookies(a, "k =v", &l);
	assert_string_equal(kv_get(&l, "k"), "v");

	/* A quoted value loses its quotes; a lone quote is kept. */
	req_parse_cookies(a, "q=\"x y\"; e=\"\"; h=\"", &l);
	assert_int_equal(l.n, 3);
	assert_string_equal(kv_get(&l, "q"), "x y");
	assert_string_equal(kv_get(&l, "e"), "");
	assert_string_equal(kv_get(&l, "h"), "\"");

	/* Values may hold '='; cookies are not percent-decoded. */
	req_parse_cookies(a, "t=abc==; p=%41", &l);
	assert_string_equal(kv_get(&l, "t"), "abc==");
	assert_string_equal(kv_get(&l, "p"), "%41");

	/* Malformed pairs are skipped, as browsers do. */
	req_parse_cookies(a, "junk; =nameless; ;; ok=1; also-junk", &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(kv_get(&l, "ok"), "1");

	/* Repeated names: the first wins. */
	req_parse_cookies(a, "s=first; s=second", &l);
	assert_int_equal(l.n, 2);
	assert_string_equal(kv_get(&l, "s"), "first");

	req_parse_cookies(a, "", &l);
	assert_int_equal(l.n, 0);
	req_parse_cookies(a, NULL, &l);
	assert_int_equal(l.n, 0);
	req_parse_cookies(a, " ; ;", &l);
	assert_int_equal(l.n, 0);
}

static void test_cookies_bounded(void **state)
{
	struct arena *a = *state;
	struct buf b = {0};
	for (int i = 0; i < REQ_MAX_FIELDS + 100; i++)
		buf_printf(&b, "%sc%d=%d", i ? "; " : "", i, i);
	struct kvlist l;
	req_parse_cookies(a, b.data, &l);
	assert_int_equal(l.n, REQ_MAX_FIELDS);
	assert_string_equal(kv_get(&l, "c0"), "0");
	assert_null(kv_get(&l, "c600"));
	buf_free(&b);
}

/* ---- req_parse: whole requests ---- */

/* Parses raw into a fresh request on the test's arena; returns the status. */
static int parse(struct arena *a, struct req *r, const char *method, const char *query, const char *type,
		 const char *body, const char **why)
{
	memset(r, 0, sizeof *r);
	r->arena = a;
	struct req_raw raw = {.method = method, .path = "/x", .query = query, .content_type = type, .body = body,
			      .body_len = body ? strlen(body) : 0};
	*why = NULL;
	return req_parse(r, &raw, why);
}

static void test_parse_basics(void **state)
{
	struct arena *a = *state;
	struct req r = {.arena = a};
	const char *why = NULL;
	struct req_raw raw = {.method = "GET", .path = "/admin/users", .query = "page=2&q=a+b",
			      .cookie = "__Host-lantern_session=abc; x=1", .authorization = "Bearer t", .origin = "https://o",
			      .sec_fetch_site = "same-origin"};
	assert_int_equal(req_parse(&r, &raw, &why), 0);
	assert_int_equal(r.method, M_GET);
	assert_string_equal(r.path, "/admin/users");
	assert_string_equal(req_query(&r, "page"), "2");
	assert_string_equal(req_query(&r, "q"), "a b");
	assert_string_equal(req_cookie(&r, "__Host-lantern_session"), "abc");
	assert_string_equal(r.authorization, "Bearer t");
	assert_string_equal(r.origin, "https://o");
	assert_string_equal(r.sec_fetch_site, "same-origin");
	assert_null(r.json);
	assert_int_equal(r.form.n, 0);
	req_free(&r);

	/* No path means the root; no query is an empty one. */
	memset(&r, 0, sizeof r);
	r.arena = a;
	raw = (struct req_raw){.method = "HEAD"};
	assert_int_equal(req_parse(&r, &raw, &why), 0);
	assert_string_equal(r.path, "/");
	assert_int_equal(r.method, M_HEAD);
	assert_int_equal(r.query.n, 0);

	assert_int_equal(parse(a, &r, "GET", "a=%zz", NULL, NULL, &why), 400);
	assert_non_null(why);
}

static void test_methods(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		enum method m;
	} cases[] = {
		{"GET", M_GET},     {"HEAD", M_HEAD},   {"POST", M_POST}, {"PUT", M_PUT},    {"DELETE", M_DELETE},
		{"PATCH", M_OTHER}, {"get", M_OTHER},   {"", M_OTHER},    {"GETX", M_OTHER}, {"OTHER", M_OTHER},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		if (req_method(cases[i].s) != cases[i].m)
			fail_msg("req_method(\"%s\") = %d", cases[i].s, req_method(cases[i].s));
	assert_int_equal(req_method(NULL), M_OTHER);
	assert_string_equal(req_method_name(M_DELETE), "DELETE");
	assert_string_equal(req_method_name(M__MAX), "OTHER");
}

static void test_parse_form(void **state)
{
	struct arena *a = *state;
	struct req r;
	const char *why;
	assert_int_equal(parse(a, &r, "POST", "from=query", "application/x-www-form-urlencoded; charset=UTF-8",
			       "name=Ann+Lee&csrf=t%2Bk&empty=", &why),
			 0);
	assert_int_equal(r.form.n, 3);
	assert_string_equal(req_form(&r, "name"), "Ann Lee");
	assert_string_equal(req_form(&r, "csrf"), "t+k");
	assert_string_equal(req_field(&r, "name"), "Ann Lee");
	assert_string_equal(req_field(&r, "empty"), "");
	assert_null(req_field(&r, "from")); /* fields come from the body, not the query */
	assert_string_equal(req_query(&r, "from"), "query");
	assert_string_equal(r.body, "name=Ann+Lee&csrf=t%2Bk&empty=");
	req_free(&r);

	/* The media type is matched without case and ends at ';' or a space. */
	assert_int_equal(parse(a, &r, "POST", NULL, "Application/X-WWW-Form-Urlencoded", "a=1", &why), 0);
	assert_string_equal(req_form(&r, "a"), "1");

	assert_int_equal(parse(a, &r, "POST", NULL, "application/x-www-form-urlencoded", "a=%zz", &why), 400);
	assert_non_null(why);
	char *big = many_fields(REQ_MAX_FIELDS + 1, false);
	assert_int_equal(parse(a, &r, "POST", NULL, "application/x-www-form-urlencoded", big, &why), 400);
	free(big);
}

static void test_parse_json(void **state)
{
	struct arena *a = *state;
	struct req r;
	const char *why;
	assert_int_equal(parse(a, &r, "POST", NULL, "application/json",
			       "{\"name\":\"Ann \\u00e9\",\"n\":42,\"neg\":-7,\"x\":1.5,\"t\":true,\"f\":false,"
			       "\"z\":null,\"o\":{\"k\":1},\"a\":[1]}",
			       &why),
			 0);
	assert_non_null(r.json);
	assert_string_equal(req_field(&r, "name"), "Ann \xc3\xa9");
	assert_string_equal(req_field(&r, "n"), "42");
	assert_string_equal(req_field(&r, "neg"), "-7");
	assert_string_equal(req_field(&r, "x"), "1.5");
	assert_string_equal(req_field(&r, "t"), "true");
	assert_string_equal(req_field(&r, "f"), "false");
	assert_null(req_field(&r, "z"));
	assert_null(req_field(&r, "o"));
	assert_null(req_field(&r, "a"));
	assert_null(req_field(&r, "missing"));
	assert_int_equal(r.form.n, 0);
	req_free(&r);
	assert_null(r.json);
	req_free(&r); /* twice is harmless */

	assert_int_equal(parse(a, &r, "PUT", NULL, "application/json; charset=utf-8", "{}", &why), 0);
	assert_non_null(r.json);
	req_free(&r);
}

static void test_parse_json_refused(void **state)
{
	struct arena *a = *state;
	static const struct {
		const char *body, *why;
	} cases[] = {
		{"[1,2]", "an array is not an object"},
		{"42", "a number is not an object"},
		{"\"s\"", "a string is not an object"},
		{"null", "null is not an object"},
		{"{", "truncated"},
		{"{\"a\":1,}", "trailing comma"},
		{"{\"a\":1,\"a\":2}", "duplicate keys"},
		{"{\"a\":\"x\\u0000y\"}", "NUL in a string"},
		{"{\"a\":1} {\"b\":2}", "two documents"},
		{"{\"a\":\"\xff\"}", "invalid UTF-8"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct req r;
		const char *why;
		int status = parse(a, &r, "POST", NULL, "application/json", cases[i].body, &why);
		if (status != 400)
			fail_msg("JSON body %s (%s): status %d, want 400", cases[i].body, cases[i].why, status);
		assert_non_null(why);
		req_free(&r); /* a parsed non-object must still be freed: ASan checks */
	}
}

/* {"a": nested …} with depth levels of objects and arrays counted together. */
static char *nested_json(int depth)
{
	struct buf b = {0};
	buf_puts(&b, "{\"a\":");
	for (int i = 1; i < depth; i++)
		buf_puts(&b, i % 2 ? "[" : "{\"k\":");
	buf_puts(&b, "1");
	for (int i = depth - 1; i >= 1; i--)
		buf_puts(&b, i % 2 ? "]" : "}");
	buf_puts(&b, "}");
	return buf_take(&b);
}

static void test_parse_json_depth(void **state)
{
	struct arena *a = *state;
	struct req r;
	const char *why;
	char *ok = nested_json(REQ_MAX_JSON_DEPTH);
	assert_int_equal(parse(a, &r, "POST", NULL, "application/json", ok, &why), 0);
	req_free(&r);
	free(ok);
	char *deep = nested_json(REQ_MAX_JSON_DEPTH + 1);
	assert_int_equal(parse(a, &r, "POST", NULL, "application/json", deep, &why), 400);
	assert_non_null(why);
	req_free(&r);
	free(deep);
}

static void test_parse_content_types(void **state)
{
	struct arena *a = *state;
	static const struct {
		const char *type;
		int status;
	} cases[] = {
		{"text/plain", 415},
		{NULL, 415},
		{"", 415},
		{"application/jsonx", 415}, /* a prefix is not the type */
		{"application/xml", 415},
		{"APPLICATION/JSON", 0},
		{"multipart/form-data; boundary=x", 400}, /* parsed (test_multipart.c): "{}" is not multipart */
		{"text/csv", 0},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct req r;
		const char *why;
		int status = parse(a, &r, "POST", NULL, cases[i].type, "{}", &why);
		if (status != cases[i].status)
			fail_msg("Content-Type %s: status %d, want %d", cases[i].type ? cases[i].type : "(none)", status,
				 cases[i].status);
		if (status)
			assert_non_null(why);
		else
			assert_string_equal(r.body, "{}");
		req_free(&r);
	}
	/* Without a body the type does not matter. */
	struct req r;
	const char *why;
	assert_int_equal(parse(a, &r, "POST", NULL, "text/plain", NULL, &why), 0);
	assert_string_equal(r.body, "");
}

static void test_params(void **state)
{
	struct arena *a = *state;
	struct req r = {.arena = a, .nparams = 2, .params = {"7", "x"}};
	assert_string_equal(req_param(&r, 0), "7");
	assert_string_equal(req_param(&r, 1), "x");
	assert_null(req_param(&r, 2));
	assert_null(req_param(&r, -1));
}

int main(void)
{
	test_uk_time();
#define T(f) cmocka_unit_test_setup_teardown(f, setup_arena, teardown_arena)
	const struct CMUnitTest tests[] = {
		T(test_url_decode),
		T(test_utf8),
		T(test_urlencoded_pairs),
		T(test_urlencoded_empty),
		T(test_urlencoded_repeated),
		T(test_urlencoded_bad),
		T(test_urlencoded_too_many),
		T(test_cookies),
		T(test_cookies_bounded),
		T(test_parse_basics),
		T(test_methods),
		T(test_parse_form),
		T(test_parse_json),
		T(test_parse_json_refused),
		T(test_parse_json_depth),
		T(test_parse_content_types),
		T(test_params),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
