/* password_pages.c — asking for a reset link by e-mail, and choosing a password through a reset or
 * invitation link. The request answers the same whether or not an account uses the address. */
#include "password_pages.h"

#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "db.h"
#include "html.h"
#include "password_links.h"
#include "password_quality.h"
#include "valid.h"

static const char SQL_ACTIVE_USER[] = "SELECT id FROM users WHERE email = ? AND active = 1";
static const char SQL_EMAIL[] = "SELECT email FROM users WHERE id = ?";
static const char SQL_SET_HASH[] = "UPDATE users SET password_hash = ? WHERE id = ?";

static int render_forgotten(const struct req *r, struct resp *o, const char *email, const struct form_errors *fe,
			    int status)
{
	struct page p = {.title = "Forgotten your password?", .errors = fe, .back = "/login"};
	page_begin(r, o, &p);
	const char *sent = req_query(r, "sent");
	if (sent && strcmp(sent, "1") == 0)
		html_notice(o, "Check your e-mail",
			    "If an account uses that address, we have sent it a link to choose a new password. The link "
			    "works once, for an hour.");
	html_lit(o, "<h1 class=\"govuk-heading-l\">Forgotten your password?</h1><p class=\"govuk-body\">Enter the "
		    "e-mail address you sign in with and we will send you a link to choose a new password.</p>");
	html_form_begin(r, o, "/password/forgotten");
	html_input(o, fe, &(struct field){.name = "email", .label = "Email address", .value = email, .type = "email",
					  .autocomplete = "username"});
	html_button(o, "Send the link");
	html_form_end(o);
	page_end(r, o, &p);
	return status;
}

int password_forgotten_page(const struct req *r, struct resp *o)
{
	return render_forgotten(r, o, "", NULL, 200);
}

int password_forgotten_post(const struct req *r, struct resp *o)
{
	const char *email = req_form(r, "email");
	struct form_errors fe = {0};
	if (email == NULL || *email == '\0')
		form_error(&fe, "email", "Enter your email address");
	else if (!valid_email(email))
		form_error(&fe, "email", "Enter an email address in the correct format, like name@example.org");
	if (fe.n)
		return render_forgotten(r, o, email, &fe, 400);
	int64_t user = db_int(r->db, 0, SQL_ACTIVE_USER, "s", email);
	if (user) {
		if (db_begin(r->db) != DB_OK || password_link_send(r->db, user, email, PASSWORD_LINK_RESET) < 0 ||
		    db_commit(r->db) != DB_OK) {
			db_rollback(r->db);
			return page_error(r, o, 503, "Sorry, there is a problem with the service", "Try again in a minute.");
		}
	}
	return resp_redirect(o, "/password/forgotten?sent=1");
}

static int link_gone(const struct req *r, struct resp *o)
{
	return page_error(r, o, 410, "This link has expired or has already been used",
			  "Ask for a new one on the sign-in page: choose \"Forgotten your password?\".");
}

static int render_set(const struct req *r, struct resp *o, enum password_link_purpose purpose,
		      const struct form_errors *fe, int status)
{
	bool invite = purpose == PASSWORD_LINK_INVITE;
	const char *title = invite ? "Choose your password" : "Choose a new password";
	struct page p = {.title = title, .errors = fe};
	page_begin(r, o, &p);
	htmlf(o, "<h1 class=\"govuk-heading-l\">%h</h1>", title);
	html_form_begin(r, o, r->path);
	html_input(o, fe, &(struct field){.name = "new_password", .label = invite ? "Password" : "New password",
					  .type = "password",
					  .hint = "At least 10 characters. A few unrelated words make a strong one.",
					  .autocomplete = "new-password"});
	html_button(o, invite ? "Set password and sign in" : "Change password and sign in");
	html_form_end(o);
	page_end(r, o, &p);
	return status;
}

int password_set_page(const struct req *r, struct resp *o)
{
	enum password_link_purpose purpose;
	if (password_link_user(r->db, req_param(r, 0), &purpose) == 0)
		return link_gone(r, o);
	return render_set(r, o, purpose, NULL, 200);
}

/* Spends the link, sets the password and ends every other way in (sessions and API tokens), as an
 * admin's reset does. Returns 0, or 410 when the link was spent meanwhile, or -1. */
static int set_password(const struct req *r, int64_t user, enum password_link_purpose purpose, const char *hash)
{
	if (db_begin(r->db) != DB_OK)
		return -1;
	if (!password_link_spend(r->db, req_param(r, 0))) {
		db_rollback(r->db);
		return 410;
	}
	db_exec(r->db, SQL_SET_HASH, "sI", hash, user);
	int sessions = auth_sessions_revoke_user(r->db, user), tokens = auth_tokens_revoke_user(r->db, user);
	const char *idtext = arena_printf(r->arena, "%lld", (long long)user);
	audit(r->db, user, "user", idtext, purpose == PASSWORD_LINK_INVITE ? "password-chosen" : "password-reset", NULL,
	      arena_printf(r->arena, "sessions=%d tokens=%d", sessions, tokens));
	return db_commit(r->db) == DB_OK ? 0 : -1;
}

int password_set_post(const struct req *r, struct resp *o)
{
	enum password_link_purpose purpose;
	int64_t user = password_link_user(r->db, req_param(r, 0), &purpose);
	if (user == 0)
		return link_gone(r, o);
	const char *email = "";
	struct db_stmt *st = db_query(r->db, SQL_EMAIL, "I", user);
	if (db_next(st))
		email = arena_strdup(r->arena, db_col_text(st, 0));
	db_done(st);
	const char *password = req_form(r, "new_password");
	struct form_errors fe = {0};
	const char *weak = password_problem(password, PASSWORD_FIELD_NEW, email, NULL);
	if (weak) {
		form_error(&fe, "new_password", weak);
		return render_set(r, o, purpose, &fe, 400);
	}
	char *hash = auth_hash_password(password);
	if (hash == NULL) {
		log_error("cannot hash a password (out of memory?)");
		return page_error(r, o, 503, "Sorry, there is a problem with the service", "Try again in a minute.");
	}
	int rc = set_password(r, user, purpose, hash);
	free(hash);
	if (rc == 410)
		return link_gone(r, o);
	/* Signed in here with a fresh session: the link proved the mailbox. */
	if (rc != 0 || auth_session_start(r->db, o, user) != 0)
		return page_error(r, o, 503, "Sorry, there is a problem with the service", "Try again in a minute.");
	return resp_redirect(o, "/");
}
