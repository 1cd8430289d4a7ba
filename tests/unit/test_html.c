/* test_html.c — the escaping writer and page layout in app/html.c: what htmlf's conversions emit,
 * the GOV.UK form parts with and without errors, and whole pages. */
#include "helpers.h"

#include <limits.h>

#include "auth.h"
#include "html.h"

/* Each test gets a request (arena set, nobody signed in) and an empty response. */
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
	f->r.path = "/";
	resp_init(&f->o, f->arena);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	resp_free(&f->o);
	arena_free(f->arena);
	free(f);
	return 0;
}

/* The body so far, never NULL. */
static const char *body(struct fixture *f)
{
	return f->o.body.data ? f->o.body.data : "";
}

/* ---- htmlf and the escaping functions ---- */

static void test_escape_h(void **state)
{
	struct fixture *f = *state;
	htmlf(&f->o, "<p title=\"%h\">%h</p>", "\"quoted\" 'single'", "<a href=\"x\">Tom & Jerry's</a>");
	assert_string_equal(body(f), "<p title=\"&quot;quoted&quot; &#39;single&#39;\">"
				     "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;</p>");

	/* Already-escaped text is escaped again: no double-decoding tricks. */
	resp_reset(&f->o);
	htmlf(&f->o, "%h", "&amp;&#39;");
	assert_string_equal(body(f), "&amp;amp;&amp;#39;");

	/* NULL prints nothing; text without specials and UTF-8 pass through. */
	resp_reset(&f->o);
	htmlf(&f->o, "[%h|%h]", NULL, "caf\xc3\xa9 ok");
	assert_string_equal(body(f), "[|caf\xc3\xa9 ok]");

	resp_reset(&f->o);
	html_text(&f->o, "a<b>&c");
	assert_string_equal(body(f), "a&lt;b&gt;&amp;c");

	struct buf b = {0};
	html_escape_into(&b, "x'\"y");
	assert_string_equal(b.data, "x&#39;&quot;y");
	buf_free(&b);
}

static void test_escape_u(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"plain", "plain"},
		{"-_.~AZaz09", "-_.~AZaz09"}, /* unreserved characters stay */
		{"a b/c?d=e&f#g", "a%20b%2Fc%3Fd%3De%26f%23g"},
		{"\"<'>", "%22%3C%27%3E"},
		{"50%+", "50%25%2B"},
		{"caf\xc3\xa9", "caf%C3%A9"},
		{"", ""},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		resp_reset(&f->o);
		htmlf(&f->o, "%u", cases[i].in);
		if (strcmp(body(f), cases[i].out) != 0)
			fail_msg("%%u of \"%s\": \"%s\", want \"%s\"", cases[i].in, body(f), cases[i].out);
	}
	resp_reset(&f->o);
	htmlf(&f->o, "<a href=\"/x?next=%u\">", "/admin/users?q=a b");
	assert_string_equal(body(f), "<a href=\"/x?next=%2Fadmin%2Fusers%3Fq%3Da%20b\">");
	resp_reset(&f->o);
	htmlf(&f->o, "[%u]", NULL);
	assert_string_equal(body(f), "[]");
}

static void test_numbers(void **state)
{
	struct fixture *f = *state;
	htmlf(&f->o, "%d %d %d|%D %D %D|100%%", 0, -42, INT_MIN, (int64_t)7, INT64_MAX, INT64_MIN);
	assert_string_equal(body(f), "0 -42 -2147483648|7 9223372036854775807 -9223372036854775808|100%");
	/* Arguments are consumed in order whatever their kind. */
	resp_reset(&f->o);
	htmlf(&f->o, "%h=%D;%u=%d", "a&b", (int64_t)5, "c d", 6);
	assert_string_equal(body(f), "a&amp;b=5;c%20d=6");
	/* Literal markup around conversions is copied exactly. */
	resp_reset(&f->o);
	html_lit(&f->o, "<br>");
	htmlf(&f->o, "no conversions <i>here</i>");
	assert_string_equal(body(f), "<br>no conversions <i>here</i>");
}

/* A conversion htmlf does not know is a bug in a literal: the page fails (a 500 for this request),
 * the process goes on. html_format is called directly: htmlf's literal check is for callers. */
static void test_unknown_conversion_fails_the_page(void **state)
{
	struct fixture *f = *state;
	html_format(&f->o, "before %q after %h", "x");
	assert_non_null(f->o.fault);
	assert_string_equal(body(f), "before ");
	f->o.fault = NULL;
	html_format(&f->o, "a trailing %");
	assert_non_null(f->o.fault);
}

/* ---- form errors ---- */

static void test_form_errors(void **state)
{
	(void)state;
	struct form_errors fe = {0};
	assert_null(form_error_for(&fe, "email"));
	assert_null(form_error_for(NULL, "email"));
	form_error(&fe, "email", "Enter an email address");
	form_error(&fe, "name", "Enter a name");
	form_error(&fe, "email", "A second message for email");
	assert_int_equal(fe.n, 2);
	assert_string_equal(form_error_for(&fe, "email"), "Enter an email address"); /* the first is kept */
	assert_string_equal(form_error_for(&fe, "name"), "Enter a name");
	assert_string_equal(fe.e[0].field, "email"); /* in the order given */
	assert_string_equal(fe.e[1].field, "name");
	assert_null(form_error_for(&fe, "role"));

	/* No more than FORM_MAX_ERRORS are kept. */
	struct form_errors many = {0};
	static const char *const names[] = {"f00", "f01", "f02", "f03", "f04", "f05", "f06", "f07", "f08", "f09",
					    "f10", "f11", "f12", "f13", "f14", "f15", "f16", "f17", "f18", "f19",
					    "f20", "f21", "f22", "f23", "f24", "f25", "f26", "f27", "f28", "f29"};
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		form_error(&many, names[i], "bad");
	assert_int_equal(many.n, FORM_MAX_ERRORS);
	assert_non_null(form_error_for(&many, "f23"));
	assert_null(form_error_for(&many, "f24"));
}

static void test_error_summary(void **state)
{
	struct fixture *f = *state;
	html_error_summary(&f->o, NULL);
	struct form_errors fe = {0};
	html_error_summary(&f->o, &fe);
	assert_string_equal(body(f), ""); /* nothing without errors */

	form_error(&fe, "email", "Enter an email address, like name@example.org");
	form_error(&fe, "name", "Enter a name <of 120 characters>");
	html_error_summary(&f->o, &fe);
	const char *s = body(f);
	assert_contains(s, "class=\"govuk-error-summary\"");
	assert_contains(s, "role=\"alert\"");
	assert_contains(s, "There is a problem");
	assert_contains(s, "<li><a href=\"#email\">Enter an email address, like name@example.org</a></li>");
	assert_contains(s, "<li><a href=\"#name\">Enter a name &lt;of 120 characters&gt;</a></li>");
	assert_true(strstr(s, "#email") < strstr(s, "#name")); /* in order */
	assert_int_equal(test_count(s, "<li>"), 2);
}

/* ---- form parts ---- */

static void test_input_plain(void **state)
{
	struct fixture *f = *state;
	html_input(&f->o, NULL,
		   &(struct field){.name = "email", .label = "Email address", .value = "a&b@example.org\"", .type = "email"});
	const char *s = body(f);
	assert_contains(s, "<div class=\"govuk-form-group\">");
	assert_contains(s, "<label class=\"govuk-label\" for=\"email\">Email address</label>");
	assert_contains(s, "id=\"email\" name=\"email\" type=\"email\" value=\"a&amp;b@example.org&quot;\"");
	assert_contains(s, "autocomplete=\"off\"");
	assert_contains(s, "spellcheck=\"false\"");
	assert_not_contains(s, "aria-describedby");
	assert_not_contains(s, "error");
	assert_true(s[strlen(s) - 1] == '>');
	assert_int_equal(test_count(s, "<div"), test_count(s, "</div>"));

	/* Defaults: text type, empty value; a hint is announced through aria-describedby. */
	resp_reset(&f->o);
	html_input(&f->o, NULL,
		   &(struct field){.name = "urn", .label = "URN", .hint = "6 digits", .width = "govuk-input--width-10",
				   .inputmode = "numeric", .autocomplete = "organization"});
	s = body(f);
	assert_contains(s, "class=\"govuk-input govuk-input--width-10\"");
	assert_contains(s, "type=\"text\" value=\"\"");
	assert_contains(s, "autocomplete=\"organization\"");
	assert_contains(s, " inputmode=\"numeric\"");
	assert_contains(s, "<div id=\"urn-hint\" class=\"govuk-hint\">6 digits</div>");
	assert_contains(s, "aria-describedby=\"urn-hint\"");
	assert_not_contains(s, "spellcheck");
}

static void test_input_error(void **state)
{
	struct fixture *f = *state;
	struct form_errors fe = {0};
	form_error(&fe, "email", "Enter an email address <like this>");
	html_input(&f->o, &fe, &(struct field){.name = "email", .label = "Email", .value = "nope", .type = "email"});
	const char *s = body(f);
	assert_contains(s, "<div class=\"govuk-form-group govuk-form-group--error\">");
	assert_contains(s, "<p id=\"email-error\" class=\"govuk-error-message\">"
			   "<span class=\"govuk-visually-hidden\">Error:</span> Enter an email address &lt;like this&gt;</p>");
	assert_contains(s, "class=\"govuk-input govuk-input--error\"");
	assert_contains(s, "aria-describedby=\"email-error\"");
	assert_contains(s, "value=\"nope\""); /* what was typed is shown again */
	/* The message comes before the input, as GOV.UK places it. */
	assert_true(strstr(s, "email-error\" class") < strstr(s, "<input"));

	/* With a hint, both are described, hint first. */
	resp_reset(&f->o);
	html_input(&f->o, &fe, &(struct field){.name = "email", .label = "Email", .hint = "Work address"});
	assert_contains(body(f), "aria-describedby=\"email-hint email-error\"");

	/* An error for another field leaves this one alone. */
	resp_reset(&f->o);
	html_input(&f->o, &fe, &(struct field){.name = "name", .label = "Name"});
	s = body(f);
	assert_contains(s, "<div class=\"govuk-form-group\">");
	assert_not_contains(s, "error");
}

static void test_select_radios_textarea(void **state)
{
	struct fixture *f = *state;
	static const struct option opts[] = {{"1", "One & only"}, {"2", "Two"}};
	struct form_errors fe = {0};
	html_select(&f->o, &fe, &(struct field){.name = "org", .label = "Organisation", .value = "2"}, opts, 2);
	const char *s = body(f);
	assert_contains(s, "<option value=\"1\">One &amp; only</option>");
	assert_contains(s, "<option value=\"2\" selected>Two</option>");
	assert_int_equal(test_count(s, "selected"), 1);

	resp_reset(&f->o);
	form_error(&fe, "role", "Choose a role");
	html_radios(&f->o, &fe, &(struct field){.name = "role", .label = "Role", .value = "2"}, opts, 2);
	s = body(f);
	/* The first radio has the field's id, so the summary link lands on it. */
	assert_contains(s, "id=\"role\" name=\"role\" type=\"radio\" value=\"1\">");
	assert_contains(s, "id=\"role-2\" name=\"role\" type=\"radio\" value=\"2\" checked>");
	assert_contains(s, "<fieldset class=\"govuk-fieldset\" aria-describedby=\"role-error\">");
	assert_contains(s, "govuk-form-group--error");
	assert_int_equal(test_count(s, "checked"), 1);

	resp_reset(&f->o);
	html_textarea(&f->o, NULL, &(struct field){.name = "notes", .label = "Notes", .value = "</textarea><script>"});
	s = body(f);
	assert_contains(s, ">&lt;/textarea&gt;&lt;script&gt;</textarea></div>");
	assert_int_equal(test_count(s, "</textarea>"), 1);
}

static void test_form_csrf(void **state)
{
	struct fixture *f = *state;
	/* Anonymous forms carry a signed token that the checker accepts. */
	html_form_begin(&f->r, &f->o, "/login?next=/a&b");
	html_form_end(&f->o);
	const char *s = body(f);
	assert_contains(s, "<form method=\"post\" action=\"/login?next=/a&amp;b\" novalidate>");
	const char *v = strstr(s, "name=\"csrf\" value=\"");
	assert_non_null(v);
	v += strlen("name=\"csrf\" value=\"");
	char token[160];
	size_t n = strcspn(v, "\"");
	assert_true(n > 0 && n < sizeof token);
	memcpy(token, v, n);
	token[n] = '\0';
	assert_true(auth_csrf_valid(&f->r, token));
	assert_true(str_starts(s + strlen(s) - 7, "</form>"));

	/* A signed-in form carries the session's token as it is (escaped). */
	struct user u = {.id = 1, .email = "a@example.org", .name = "A", .role = ROLE_ADMIN};
	f->r.user = &u;
	f->r.csrf = "sess&tok";
	resp_reset(&f->o);
	html_csrf(&f->r, &f->o);
	assert_string_equal(body(f), "<input type=\"hidden\" name=\"csrf\" value=\"sess&amp;tok\">"
				     "<input type=\"hidden\" name=\"back\" value=\"/\">");
}

/* Every form names the page it is on ("back"), so an error answering it can lead back there; only a
 * path on this site is ever written or linked. */
static void test_form_back(void **state)
{
	struct fixture *f = *state;
	struct user u = {.id = 1, .email = "a@example.org", .name = "A", .role = ROLE_PRACTITIONER};
	f->r.user = &u;
	f->r.csrf = "tok";
	/* A page's query is kept (encoded), its announcement (?done=) is not. */
	struct kv query[] = {{"course", "a b"}, {"done", "booked"}, {"area", "essex"}};
	f->r.path = "/sessions";
	f->r.query = (struct kvlist){query, 3};
	html_csrf(&f->r, &f->o);
	assert_contains(body(f), "<input type=\"hidden\" name=\"back\" value=\"/sessions?course=a%20b&amp;area=essex\">");

	/* A form re-shown after a POST names the page the posted form came from, if it is one of ours. */
	f->r.method = M_POST;
	f->r.path = "/sessions/5/book";
	f->r.query = (struct kvlist){0};
	struct kv sent[] = {{"back", "/sessions/5"}};
	f->r.form = (struct kvlist){sent, 1};
	resp_reset(&f->o);
	html_csrf(&f->r, &f->o);
	assert_contains(body(f), "name=\"back\" value=\"/sessions/5\"");
	int status = page_error(&f->r, &f->o, 409, "The booking was not made", "Full.");
	assert_int_equal(status, 409);
	assert_contains(body(f), "<a href=\"/sessions/5\" class=\"govuk-back-link\">Back</a>");
	assert_contains(body(f), "<a class=\"govuk-link\" href=\"/sessions/5\">Go back to where you were</a>");

	/* Anything else is not written, and an error leads to the nearest page above that the person may open. */
	static const char *const outside[] = {"https://evil.example/", "//evil.example", "/\\evil.example",
					      "javascript:alert(1)", "/\t/evil.example", ""};
	for (size_t i = 0; i < ARRAY_LEN(outside); i++) {
		sent[0].value = outside[i];
		resp_reset(&f->o);
		html_csrf(&f->r, &f->o);
		assert_not_contains(body(f), "name=\"back\"");
		page_error(&f->r, &f->o, 409, "The booking was not made", "Full.");
		assert_not_contains(body(f), "evil");
		assert_contains(body(f), "<a class=\"govuk-link\" href=\"/sessions/5\">Go back to where you were</a>");
	}
	f->r.path = "/admin/users/7";
	page_error(&f->r, &f->o, 403, "You cannot use this page", "No.");
	assert_contains(body(f), "<a class=\"govuk-link\" href=\"/\">Go back to where you were</a>");
	/* Given outright, it is checked too. */
	page_error_back(&f->r, &f->o, 409, "Refused", "No.", "javascript:alert(1)");
	assert_not_contains(body(f), "javascript");
	assert_not_contains(body(f), "govuk-back-link");
}

/* ---- pages ---- */

static void test_page_shape(void **state)
{
	struct fixture *f = *state;
	struct page p = {.title = "Users & roles"};
	page_begin(&f->r, &f->o, &p);
	htmlf(&f->o, "<h1>%h</h1>", p.title);
	page_end(&f->r, &f->o, &p);
	const char *s = body(f);
	assert_true(str_starts(s, "<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\""));
	assert_int_equal(test_count(s, "<html"), 1);
	assert_int_equal(test_count(s, "</html>"), 1);
	assert_int_equal(test_count(s, "<body"), 1);
	assert_int_equal(test_count(s, "</body>"), 1);
	assert_int_equal(test_count(s, "<main"), 1);
	assert_int_equal(test_count(s, "<title>"), 1);
	assert_string_equal(s + strlen(s) - strlen("</body></html>\n"), "</body></html>\n");
	assert_contains(s, "<title>Users &amp; roles – lantern</title>");
	assert_not_contains(s, "Error:");
	assert_not_contains(s, "govuk-error-summary");
	assert_contains(s, "id=\"main-content\"");
	assert_contains(s, "govuk-grid-column-two-thirds");
	/* Nobody signed in: no navigation and no sign-out form. */
	assert_not_contains(s, "govuk-service-navigation");
	assert_not_contains(s, "/logout");
	/* Assets are versioned. */
	char want[80];
	snprintf(want, sizeof want, "/assets/%s/lantern.css", html_asset_version());
	assert_contains(s, want);
	/* Every element opened in the layout is closed. */
	assert_int_equal(test_count(s, "<div"), test_count(s, "</div>"));
}

static void test_page_errors(void **state)
{
	struct fixture *f = *state;
	struct form_errors fe = {0};
	form_error(&fe, "email", "Enter an email address");
	struct page p = {.title = "Add a user", .errors = &fe};
	page_begin(&f->r, &f->o, &p);
	page_end(&f->r, &f->o, &p);
	const char *s = body(f);
	assert_contains(s, "<title>Error: Add a user – lantern</title>");
	assert_contains(s, "<a href=\"#email\">Enter an email address</a>");
	assert_int_equal(test_count(s, "govuk-error-summary__title"), 1);
	assert_int_equal(test_count(s, "<html"), 1);
	assert_int_equal(test_count(s, "</html>"), 1);

	/* An empty error list is no error. */
	resp_reset(&f->o);
	struct form_errors none = {0};
	p.errors = &none;
	page_begin(&f->r, &f->o, &p);
	page_end(&f->r, &f->o, &p);
	assert_contains(body(f), "<title>Add a user – lantern</title>");
	assert_not_contains(body(f), "govuk-error-summary");
}

static void test_page_options(void **state)
{
	struct fixture *f = *state;
	struct page p = {.title = "Help", .lang = "cy", .dir = "rtl", .wide = true, .back = "/a?b=1&c=\"2\"",
			 .exit_this_page = true};
	page_begin(&f->r, &f->o, &p);
	page_end(&f->r, &f->o, &p);
	const char *s = body(f);
	assert_contains(s, "<html lang=\"cy\" dir=\"rtl\"");
	assert_contains(s, "govuk-grid-column-full");
	assert_not_contains(s, "govuk-grid-column-two-thirds");
	assert_contains(s, "<a href=\"/a?b=1&amp;c=&quot;2&quot;\" class=\"govuk-back-link\">Back</a>");
	assert_contains(s, "govuk-exit-this-page");
	assert_int_equal(test_count(s, "<div"), test_count(s, "</div>"));
}

static void test_page_signed_in(void **state)
{
	struct fixture *f = *state;
	struct user admin = {.id = 1, .email = "a@example.org", .name = "Ann", .role = ROLE_ADMIN};
	f->r.user = &admin;
	f->r.csrf = "session-token";
	struct page p = {.title = "Users", .nav = "/admin/users"};
	page_begin(&f->r, &f->o, &p);
	page_end(&f->r, &f->o, &p);
	const char *s = body(f);
	assert_contains(s, "href=\"/admin/users\" aria-current=\"page\"");
	assert_int_equal(test_count(s, "aria-current"), 1);
	assert_contains(s, "href=\"/indicators\"");
	assert_contains(s, "action=\"/logout\"");
	assert_contains(s, "name=\"csrf\" value=\"session-token\"");
	assert_int_equal(test_count(s, "<div"), test_count(s, "</div>"));

	/* Navigation is per role: a trainer sees no admin pages. */
	struct user trainer = {.id = 2, .email = "t@example.org", .name = "Tom", .role = ROLE_TRAINER};
	f->r.user = &trainer;
	resp_reset(&f->o);
	page_begin(&f->r, &f->o, &p);
	page_end(&f->r, &f->o, &p);
	s = body(f);
	assert_not_contains(s, "/admin/users");
	assert_contains(s, "href=\"/account\"");
	assert_not_contains(s, "aria-current");
}

static void test_page_error(void **state)
{
	struct fixture *f = *state;
	html_lit(&f->o, "<p>half a page");
	int status = page_error(&f->r, &f->o, 404, "Page not found", "No <such> page");
	assert_int_equal(status, 404);
	const char *s = body(f);
	assert_not_contains(s, "half a page"); /* replaces what was there */
	assert_contains(s, "<title>Page not found – lantern</title>");
	assert_contains(s, "<p class=\"govuk-body\">No &lt;such&gt; page</p>");
	assert_int_equal(test_count(s, "<html"), 1);
}

static void test_asset_version(void **state)
{
	(void)state;
	const char *before = html_asset_version();
	html_set_asset_version("bad\"version");
	assert_string_equal(html_asset_version(), before);
	html_set_asset_version("");
	assert_string_equal(html_asset_version(), before);
	html_set_asset_version(NULL);
	assert_string_equal(html_asset_version(), before);
	html_set_asset_version("1a2b-3.c_d");
	assert_string_equal(html_asset_version(), "1a2b-3.c_d");
}

static void test_small_parts(void **state)
{
	struct fixture *f = *state;
	html_tag(&f->o, "Active & well", "green");
	assert_string_equal(body(f), "<strong class=\"govuk-tag govuk-tag--green\">Active &amp; well</strong>");
	resp_reset(&f->o);
	html_tag(&f->o, "Plain", NULL);
	assert_string_equal(body(f), "<strong class=\"govuk-tag\">Plain</strong>");
	resp_reset(&f->o);
	html_button(&f->o, "Save <now>");
	assert_contains(body(f), ">Save &lt;now&gt;</button>");
	resp_reset(&f->o);
	html_notice(&f->o, "Saved", NULL);
	assert_contains(body(f), "<h3 class=\"govuk-notification-banner__heading\">Saved</h3>");
	assert_not_contains(body(f), "<p");
	assert_int_equal(test_count(body(f), "<div"), test_count(body(f), "</div>"));
}

static void test_table(void **state)
{
	struct fixture *f = *state;
	static const char *const head[] = {"Name & place", "#Pupils"};
	html_table_begin(&f->o, "Deliveries <2025>", head, 2);
	html_table_end(&f->o);
	assert_string_equal(body(f), "<table class=\"govuk-table\" role=\"table\"><caption "
				     "class=\"govuk-table__caption govuk-table__caption--m\">Deliveries &lt;2025&gt;</caption>"
				     "<thead class=\"govuk-table__head\" role=\"rowgroup\"><tr class=\"govuk-table__row\" "
				     "role=\"row\"><th scope=\"col\" class=\"govuk-table__header\" role=\"columnheader\">Name "
				     "&amp; place</th><th scope=\"col\" class=\"govuk-table__header govuk-table__header--numeric\" "
				     "role=\"columnheader\">Pupils</th></tr></thead><tbody class=\"govuk-table__body\" "
				     "role=\"rowgroup\"></tbody></table>");
	resp_reset(&f->o);
	html_table_begin(&f->o, NULL, head, 1);
	assert_not_contains(body(f), "caption");
	/* From three columns on, a table stacks on a phone. */
	resp_reset(&f->o);
	static const char *const three[] = {"When", "Where", "Who"};
	html_table_begin(&f->o, NULL, three, 3);
	assert_contains(body(f), "<table class=\"govuk-table lantern-table--stack\" role=\"table\">");
}

/* Each cell of the body is labelled with its column's heading, escaped, row after row; markup
 * inside a cell and text that looks like a tag once escaped are left alone. */
static void test_table_cells_carry_their_headings(void **state)
{
	struct fixture *f = *state;
	static const char *const head[] = {"Name & place", "#Pupils"};
	html_table_begin(&f->o, NULL, head, 2);
	size_t body_start = f->o.body.len;
	htmlf(&f->o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a href=\"/x\">%h</a><br>"
		     "<span>%h</span></td><td class=\"govuk-table__cell govuk-table__cell--numeric\">%d</td></tr>",
	      "<td>Ann", "Basildon", 12);
	html_lit(&f->o, "<tr><td>Bob</td><td>3</td><td>extra</td></tr>");
	html_table_end(&f->o);
	assert_string_equal(body(f) + body_start,
			    "<tr role=\"row\" class=\"govuk-table__row\"><td role=\"cell\" data-label=\"Name &amp; place\" "
			    "class=\"govuk-table__cell\"><a href=\"/x\">&lt;td&gt;Ann</a><br><span>Basildon</span></td>"
			    "<td role=\"cell\" data-label=\"Pupils\" class=\"govuk-table__cell govuk-table__cell--numeric\">12"
			    "</td></tr><tr role=\"row\"><td role=\"cell\" data-label=\"Name &amp; place\">Bob</td><td "
			    "role=\"cell\" data-label=\"Pupils\">3</td><td role=\"cell\">extra</td></tr></tbody></table>");
	/* The table is closed: a later table's end labels only its own body. */
	resp_reset(&f->o);
	html_lit(&f->o, "<table><tbody><tr><td>x</td></tr>");
	html_table_end(&f->o);
	assert_string_equal(body(f), "<table><tbody><tr><td>x</td></tr></tbody></table>");
}

int main(void)
{
	test_uk_time();
	if (auth_init() != 0)
		return 1;
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_escape_h),
		T(test_escape_u),
		T(test_numbers),
		T(test_unknown_conversion_fails_the_page),
		T(test_form_errors),
		T(test_error_summary),
		T(test_input_plain),
		T(test_input_error),
		T(test_select_radios_textarea),
		T(test_form_csrf),
		T(test_form_back),
		T(test_page_shape),
		T(test_page_errors),
		T(test_page_options),
		T(test_page_signed_in),
		T(test_page_error),
		T(test_asset_version),
		T(test_small_parts),
		T(test_table),
		T(test_table_cells_carry_their_headings),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
