/* test_route.c — the route table and dispatcher in app/route.c: matching, {} parameters, 404 versus
 * 405, HEAD as GET, body limits, and the rules route_handle applies before any handler runs. */
#include "helpers.h"

#include "auth.h"
#include "route.h"

static void test_match_table(void **state)
{
	(void)state;
	static const struct {
		enum method m;
		const char *path;
		const char *pattern; /* NULL: no route */
		enum method route_method;
		int nparams;
		bool exists;
	} cases[] = {
		/* exact paths */
		{M_GET, "/", "/", M_GET, 0, true},
		{M_GET, "/login", "/login", M_GET, 0, true},
		{M_POST, "/login", "/login", M_POST, 0, true},
		{M_GET, "/admin/users", "/admin/users", M_GET, 0, true},
		{M_GET, "/api/v1/me", "/api/v1/me", M_GET, 0, true},
		/* {} parameters; a literal route listed first wins over {} */
		{M_GET, "/admin/users/42", "/admin/users/{}", M_GET, 1, true},
		{M_POST, "/admin/users/42", "/admin/users/{}", M_POST, 1, true},
		{M_GET, "/admin/users/new", "/admin/users/new", M_GET, 0, true},
		{M_POST, "/admin/users/new", "/admin/users/new", M_POST, 0, true},
		{M_PUT, "/api/v1/users/7", "/api/v1/users/{}", M_PUT, 1, true},
		{M_POST, "/account/tokens/5/revoke", "/account/tokens/{}/revoke", M_POST, 1, true},
		/* a confirmation page (GET) at the address of its action (POST) */
		{M_GET, "/account/tokens/5/revoke", "/account/tokens/{}/revoke", M_GET, 1, true},
		/* HEAD is answered by the GET route */
		{M_HEAD, "/healthz", "/healthz", M_GET, 0, true},
		{M_HEAD, "/admin/users/3", "/admin/users/{}", M_GET, 1, true},
		/* the path exists for other methods: 405 */
		{M_DELETE, "/login", NULL, 0, 0, true},
		{M_PUT, "/login", NULL, 0, 0, true},
		{M_POST, "/api/v1/me", NULL, 0, 0, true},
		{M_PUT, "/admin/users/3", NULL, 0, 0, true},
		{M_DELETE, "/account/tokens/5/revoke", NULL, 0, 0, true},
		{M_OTHER, "/", NULL, 0, 0, true},
		{M_HEAD, "/logout", NULL, 0, 0, true}, /* POST only */
		/* unknown paths: 404 */
		{M_GET, "/nope", NULL, 0, 0, false},
		{M_GET, "", NULL, 0, 0, false},
		{M_GET, "/LOGIN", NULL, 0, 0, false},
		{M_GET, "/login/", NULL, 0, 0, false},
		{M_GET, "//login", NULL, 0, 0, false},
		{M_GET, "/admin/users/", NULL, 0, 0, false},       /* {} never matches an empty segment */
		{M_GET, "/admin/users/1/extra", NULL, 0, 0, false}, /* nor more than one */
		{M_GET, "/admin/users/1/", NULL, 0, 0, false},
		{M_POST, "/account/tokens//revoke", NULL, 0, 0, false},
		{M_POST, "/account/tokens/5/revoked", NULL, 0, 0, false},
		{M_GET, "/api/v1/users/7", NULL, 0, 0, true}, /* only PUT has the {} form: 405 */
		{M_PUT, "/api/v1/users/7", "/api/v1/users/{}", M_PUT, 1, true},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const char *params[REQ_MAX_PARAMS];
		int nparams = -1;
		bool exists = !cases[i].exists;
		const struct route *rt = route_match(cases[i].m, cases[i].path, params, &nparams, &exists);
		const char *name = req_method_name(cases[i].m);
		if (exists != cases[i].exists)
			fail_msg("%s %s: path_exists %d, want %d", name, cases[i].path, exists, cases[i].exists);
		if (cases[i].pattern == NULL) {
			if (rt != NULL)
				fail_msg("%s %s matched %s", name, cases[i].path, rt->pattern);
			continue;
		}
		if (rt == NULL)
			fail_msg("%s %s: no route, want %s", name, cases[i].path, cases[i].pattern);
		if (strcmp(rt->pattern, cases[i].pattern) != 0 || rt->method != cases[i].route_method)
			fail_msg("%s %s matched %s %s, want %s", name, cases[i].path, req_method_name(rt->method),
				 rt->pattern, cases[i].pattern);
		if (nparams != cases[i].nparams)
			fail_msg("%s %s: %d params, want %d", name, cases[i].path, nparams, cases[i].nparams);
		if (rt->handler == NULL)
			fail_msg("%s has no handler", rt->pattern);
	}
}

static void test_route_roles(void **state)
{
	(void)state;
	bool exists;
	/* Public by explicit choice; administration for admins only; the API needs a user. */
	assert_true(route_match(M_GET, "/login", NULL, NULL, &exists)->roles & R_PUBLIC);
	assert_true(route_match(M_GET, "/healthz", NULL, NULL, &exists)->roles & R_PUBLIC);
	const struct route *rt = route_match(M_GET, "/admin/users", NULL, NULL, &exists);
	assert_int_equal(rt->roles, R_ADMIN);
	rt = route_match(M_GET, "/api/v1/me", NULL, NULL, &exists);
	assert_false(rt->roles & R_PUBLIC);
	assert_int_equal(rt->roles & R_ANY_USER, R_ANY_USER);
	/* Risk Avert: literal paths win over /schools/{}; the pupil survey is public and nothing else of it. */
	assert_string_equal(route_match(M_GET, "/schools/import", NULL, NULL, &exists)->pattern, "/schools/import");
	assert_string_equal(route_match(M_GET, "/schools/areas", NULL, NULL, &exists)->pattern, "/schools/areas");
	assert_string_equal(route_match(M_GET, "/schools/new", NULL, NULL, &exists)->pattern, "/schools/new");
	assert_string_equal(route_match(M_GET, "/schools/100001", NULL, NULL, &exists)->pattern, "/schools/{}");
	assert_true(route_match(M_GET, "/s/ABCDEFGH", NULL, NULL, &exists)->roles & R_PUBLIC);
	assert_true(route_match(M_POST, "/s/ABCDEFGH", NULL, NULL, &exists)->flags & ROUTE_PUBLIC_JSON);
	assert_int_equal(route_match(M_POST, "/schools/import", NULL, NULL, &exists)->roles, R_ADMIN);
	assert_false(route_match(M_GET, "/survey-runs/1/qr.svg", NULL, NULL, &exists)->roles & (R_PUBLIC | R_SCHOOL));
	assert_false(route_match(M_POST, "/api/v1/schools/100001/deliveries", NULL, NULL, &exists)->roles & R_ANALYST);
	/* Voiding a run's answers: its school's lead and staff, never an analyst or the public. */
	assert_int_equal(route_match(M_POST, "/survey-runs/1/answers", NULL, NULL, &exists)->roles, R_ADMIN | R_TRAINER | R_SCHOOL);
	assert_int_equal(route_match(M_POST, "/api/v1/survey-runs/1/voids", NULL, NULL, &exists)->roles,
			 R_ADMIN | R_TRAINER | R_SCHOOL);
}

static void test_body_limit(void **state)
{
	(void)state;
	assert_int_equal(route_body_limit("POST", "/login"), REQ_MAX_BODY);
	assert_int_equal(route_body_limit("POST", "/admin/users/new"), REQ_MAX_BODY);
	assert_int_equal(route_body_limit("GET", "/nope"), REQ_MAX_BODY);
	assert_int_equal(route_body_limit(NULL, NULL), REQ_MAX_BODY);
	assert_true(REQ_MAX_BODY < REQ_MAX_UPLOAD);
	/* Only the settings import takes an upload; the page that shows its form does not. */
	assert_int_equal(route_body_limit("POST", "/schools/import"), REQ_MAX_UPLOAD);
	assert_int_equal(route_body_limit("POST", "/schools/100001/edit"), REQ_MAX_BODY);
	assert_int_equal(route_body_limit("POST", "/s/ABCDEFGH"), REQ_MAX_BODY);
}

static void test_is_api(void **state)
{
	(void)state;
	assert_true(route_is_api("/api/v1/me"));
	assert_true(route_is_api("/api/"));
	assert_false(route_is_api("/api"));
	assert_false(route_is_api("/apiary"));
	assert_false(route_is_api("/admin/api/"));
	assert_false(route_is_api(NULL));
}

/* ---- route_handle, up to the point where a handler would run (no database needed) ---- */

struct fixture {
	struct arena *arena;
	struct req r;
	struct resp o;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->arena = arena_new();
	f->r.arena = f->arena;
	resp_init(&f->o, f->arena);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	req_free(&f->r);
	resp_free(&f->o);
	arena_free(f->arena);
	free(f);
	return 0;
}

static const char *body(struct fixture *f)
{
	return f->o.body.data ? f->o.body.data : "";
}

static const char *headers(struct fixture *f)
{
	return f->o.headers.data ? f->o.headers.data : "";
}

static void test_handle_params_and_login_redirect(void **state)
{
	struct fixture *f = *state;
	struct req_raw raw = {.method = "GET", .path = "/admin/users/42"};
	assert_int_equal(route_handle(&f->r, &f->o, &raw), 303);
	assert_non_null(f->r.route);
	assert_string_equal(f->r.route->pattern, "/admin/users/{}");
	assert_string_equal(route_log_name(&f->r), "/admin/users/{}"); /* logs name the pattern, not the id */
	assert_int_equal(f->r.nparams, 1);
	assert_string_equal(req_param(&f->r, 0), "42");
	/* Nobody signed in: off to sign in, coming back afterwards. */
	assert_contains(headers(f), "Location: /login?next=%2Fadmin%2Fusers%2F42\r\n");
}

static void test_handle_post_param(void **state)
{
	struct fixture *f = *state;
	struct req_raw raw = {.method = "POST", .path = "/account/tokens/77/revoke"};
	assert_int_equal(route_handle(&f->r, &f->o, &raw), 303); /* sign in first, before any CSRF check */
	assert_int_equal(f->r.nparams, 1);
	assert_string_equal(req_param(&f->r, 0), "77");
	assert_null(req_param(&f->r, 1));
}

static void test_handle_404_405(void **state)
{
	struct fixture *f = *state;
	struct req_raw raw = {.method = "GET", .path = "/no/such/page"};
	assert_int_equal(route_handle(&f->r, &f->o, &raw), 404);
	assert_contains(body(f), "Page not found");
	assert_int_equal(test_count(body(f), "<html"), 1);
	assert_string_equal(route_log_name(&f->r), "-");

	resp_reset(&f->o);
	raw = (struct req_raw){.method = "DELETE", .path = "/login"};
	assert_int_equal(route_handle(&f->r, &f->o, &raw), 405);
	assert_contains(body(f), "not available");

	/* Under /api/ errors are JSON. */
	resp_reset(&f->o);
	raw = (struct req_raw){.method = "GET", .path = "/api/v1/nope"};
	assert_int_equal(route_handle(&f->r, &f->o, &raw), 404);
	assert_string_equal(f->o.content_type, "application/json");
	assert_contains(body(f), "{\"error\":");
}

static void test_handle_bad_requests(void **state)
{
	struct fixture *f = *state;
	struct req_raw raw = {.method = "GET", .path = "/admin/\xff"};
	assert_int_equal(route_handle(&f->r, &f->o, &raw), 400);

	char long_path[1100];
	long_path[0] = '/';
	memset(long_path + 1, 'a', sizeof long_path - 2);
	long_path[sizeof long_path - 1] = '\0';
	resp_reset(&f->o);
	raw = (struct req_raw){.method = "GET", .path = long_path};
	assert_int_equal(route_handle(&f->r, &f->o, &raw), 400);

	resp_reset(&f->o);
	raw = (struct req_raw){.method = "GET", .path = "/login", .query = "a=%zz"};
	assert_int_equal(route_handle(&f->r, &f->o, &raw), 400);

	resp_reset(&f->o);
	raw = (struct req_raw){.method = "POST", .path = "/login", .content_type = "text/plain", .body = "x",
			       .body_len = 1};
	assert_int_equal(route_handle(&f->r, &f->o, &raw), 415);
}

static void test_handle_api_needs_token(void **state)
{
	struct fixture *f = *state;
	struct req_raw raw = {.method = "GET", .path = "/api/v1/me"};
	assert_int_equal(route_handle(&f->r, &f->o, &raw), 401);
	assert_string_equal(f->o.content_type, "application/json");
	assert_null(f->r.user);

	/* A malformed Authorization header is refused outright (no database lookup needed). */
	static const char *const bad[] = {"Basic dXNlcjpwYXNz", "Bearer short", "Bearer", "bearer lt_0123456789abcdef"};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		resp_reset(&f->o);
		raw = (struct req_raw){.method = "GET", .path = "/api/v1/me", .authorization = bad[i]};
		int status = route_handle(&f->r, &f->o, &raw);
		if (status != 401)
			fail_msg("Authorization: %s gave %d, want 401", bad[i], status);
		assert_null(f->r.user);
	}
}

static void test_handle_csrf(void **state)
{
	struct fixture *f = *state;
	/* An unsafe browser request without a form token is refused before the handler runs. */
	struct req_raw raw = {.method = "POST", .path = "/login", .content_type = "application/x-www-form-urlencoded",
			      .body = "email=a%40b.org&password=x"};
	raw.body_len = strlen(raw.body);
	assert_int_equal(route_handle(&f->r, &f->o, &raw), 403);
	assert_contains(body(f), "expired");

	resp_reset(&f->o);
	raw.body = "email=a%40b.org&csrf=1.abc";
	raw.body_len = strlen(raw.body);
	assert_int_equal(route_handle(&f->r, &f->o, &raw), 403);

	/* Another site's request is refused even with a good token. */
	struct arena *a = arena_new();
	struct req anon = {.arena = a};
	const char *tok = auth_csrf_token(&anon);
	char *form = xasprintf("csrf=%s", tok);
	resp_reset(&f->o);
	raw = (struct req_raw){.method = "POST", .path = "/logout", .content_type = "application/x-www-form-urlencoded",
			       .body = form, .body_len = strlen(form), .sec_fetch_site = "cross-site"};
	assert_int_equal(route_handle(&f->r, &f->o, &raw), 403);
	resp_reset(&f->o);
	raw.sec_fetch_site = "same-site"; /* a sibling subdomain is not us either */
	assert_int_equal(route_handle(&f->r, &f->o, &raw), 403);
	free(form);

	/* The pupil survey takes JSON without a form token, but a form still needs one, and another site
	 * still cannot post to it. */
	resp_reset(&f->o);
	raw = (struct req_raw){.method = "POST", .path = "/s/ABCDEFGH", .content_type = "application/x-www-form-urlencoded",
			       .body = "q1=4", .body_len = 4};
	assert_int_equal(route_handle(&f->r, &f->o, &raw), 403);
	req_free(&f->r);
	resp_reset(&f->o);
	raw = (struct req_raw){.method = "POST", .path = "/s/ABCDEFGH", .content_type = "application/json",
			       .body = "{\"q1\": 4}", .body_len = 9, .sec_fetch_site = "cross-site"};
	assert_int_equal(route_handle(&f->r, &f->o, &raw), 403);
	arena_free(a);
}

int main(void)
{
	test_uk_time();
	if (auth_init() != 0)
		return 1;
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_table),
		cmocka_unit_test(test_route_roles),
		cmocka_unit_test(test_body_limit),
		cmocka_unit_test(test_is_api),
		T(test_handle_params_and_login_redirect),
		T(test_handle_post_param),
		T(test_handle_404_405),
		T(test_handle_bad_requests),
		T(test_handle_api_needs_token),
		T(test_handle_csrf),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
