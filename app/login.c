/* login.c — the sign-in form, sign-in throttled by account and address, and sign-out. */
#include "login.h"

#include <string.h>

#include "auth.h"
#include "checkin.h"
#include "html.h"
#include "login_throttle.h"
#include "valid.h"

/* Only local paths are followed after sign-in (valid_local_path: no other site, nothing that could
 * split a header); anything else goes home. */
static const char *safe_next(const char *next)
{
	return valid_local_path(next) ? next : "/";
}

static int render(const struct req *r, struct resp *o, const char *email, const struct form_errors *fe, int status)
{
	struct page p = {.title = "Sign in", .errors = fe};
	page_begin(r, o, &p);
	const char *next = safe_next(req_form(r, "next") ? req_form(r, "next") : req_query(r, "next"));
	const char *checkin = checkin_sign_in_prompt(r, next);
	htmlf(o, "<h1 class=\"govuk-heading-l\">%h</h1>", checkin ? checkin : "Sign in to lantern");
	html_form_begin(r, o, "/login");
	htmlf(o, "<input type=\"hidden\" name=\"next\" value=\"%h\">", next);
	html_input(o, fe, &(struct field){.name = "email", .label = "Email address", .value = email, .type = "email",
					  .autocomplete = "username"});
	html_input(o, fe, &(struct field){.name = "password", .label = "Password", .type = "password",
					  .autocomplete = "current-password"});
	html_button(o, "Sign in");
	html_form_end(o);
	html_lit(o, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/password/forgotten\">Forgotten your "
		    "password?</a></p>");
	page_end(r, o, &p);
	return status;
}

/* 429 with Retry-After: the password was not checked, so a right one is not wasted. */
static int throttled(const struct req *r, struct resp *o, const char *email, int wait)
{
	struct form_errors fe = {0};
	const char *when = wait < 120 ? arena_printf(r->arena, "%d seconds", wait)
				       : arena_printf(r->arena, "%d minutes", (wait + 59) / 60);
	form_error(&fe, "password",
		   arena_printf(r->arena, "Too many wrong passwords have been tried for this account: try again in %s", when));
	resp_header(o, "Retry-After", arena_printf(r->arena, "%d", wait));
	return render(r, o, email, &fe, 429);
}

int login_form(const struct req *r, struct resp *o)
{
	if (r->user)
		return resp_redirect(o, safe_next(req_query(r, "next")));
	return render(r, o, "", NULL, 200);
}

int login_submit(const struct req *r, struct resp *o)
{
	const char *email = req_form(r, "email");
	const char *password = req_form(r, "password");
	struct form_errors fe = {0};
	if (email == NULL || *email == '\0')
		form_error(&fe, "email", "Enter your email address");
	else if (!valid_email(email))
		form_error(&fe, "email", "Enter an email address in the correct format, like name@example.org");
	if (password == NULL || *password == '\0')
		form_error(&fe, "password", "Enter your password");
	else if (strlen(password) > PASSWORD_MAX)
		form_error(&fe, "password", "Enter a correct email address and password");
	if (fe.n)
		return render(r, o, email, &fe, 400);

	struct login_throttle t;
	int wait = login_throttle_begin(r->db, &t, email, r->client_addr);
	if (wait < 0)
		return page_error(r, o, 503, "Sorry, there is a problem with the service", "Try again in a minute.");
	if (wait > 0)
		return throttled(r, o, email, wait);
	int64_t user_id = 0;
	enum login_result result = auth_login(r->db, email, password, &user_id);
	if (result == LOGIN_BAD) {
		login_throttle_failed(r->db, &t, email);
		form_error(&fe, "email", "Enter a correct email address and password");
		return render(r, o, email, &fe, 401);
	}
	login_throttle_passed(r->db, &t);
	if (result == LOGIN_INACTIVE) {
		form_error(&fe, "email", "This account has been deactivated; ask your programme admin");
		return render(r, o, email, &fe, 403);
	}
	/* A fresh session id at sign-in: no session fixation. */
	if (auth_session_start(r->db, o, user_id) != 0)
		return page_error(r, o, 500, "Sorry, there is a problem with the service", "Try again later.");
	return resp_redirect(o, safe_next(req_form(r, "next")));
}

int login_logout(const struct req *r, struct resp *o)
{
	auth_session_end(r, o);
	return resp_redirect(o, "/login");
}
