/* account.c — your account: change your password, create and revoke your own API tokens. */
#include "account.h"

#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "db.h"
#include "html.h"
#include "valid.h"

static const char SQL_TOKENS[] = "SELECT id, name, created_at, last_used_at FROM api_tokens"
				 " WHERE user_id = ? AND revoked_at IS NULL ORDER BY id";
static const char SQL_HASH[] = "SELECT password_hash FROM users WHERE id = ?";
static const char SQL_SET_HASH[] = "UPDATE users SET password_hash = ? WHERE id = ?";

static int render(const struct req *r, struct resp *o, const struct form_errors *fe, const char *new_token, int status)
{
	const struct user *u = r->user;
	struct page p = {.title = "Your account", .nav = "/account", .errors = fe};
	page_begin(r, o, &p);
	html_lit(o, "<h1 class=\"govuk-heading-l\">Your account</h1>");
	const char *done = req_query(r, "done");
	if (done && strcmp(done, "password") == 0)
		html_notice(o, "Your password has been changed", "Other browsers signed in as you have been signed out.");
	if (done && strcmp(done, "revoked") == 0)
		html_notice(o, "The token has been revoked", NULL);
	if (new_token) {
		html_notice(o, "Your new API token", "Copy it now: it will not be shown again.");
		htmlf(o, "<p class=\"govuk-body\"><code class=\"lantern-token\">%h</code></p>", new_token);
	}
	htmlf(o, "<dl class=\"govuk-summary-list\">"
		 "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Name</dt>"
		 "<dd class=\"govuk-summary-list__value\">%h</dd></div>"
		 "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Email</dt>"
		 "<dd class=\"govuk-summary-list__value\">%h</dd></div>"
		 "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Role</dt>"
		 "<dd class=\"govuk-summary-list__value\">%h</dd></div></dl>",
	      u->name, u->email, role_label(u->role));

	html_lit(o, "<h2 class=\"govuk-heading-m\">Change your password</h2>");
	html_form_begin(r, o, "/account/password");
	html_input(o, fe, &(struct field){.name = "current", .label = "Current password", .type = "password",
					  .autocomplete = "current-password"});
	html_input(o, fe, &(struct field){.name = "new_password", .label = "New password", .type = "password",
					  .hint = "At least 10 characters. A few unrelated words make a strong one.",
					  .autocomplete = "new-password"});
	html_button(o, "Change password");
	html_form_end(o);

	html_lit(o, "<h2 class=\"govuk-heading-m\">API tokens</h2><p class=\"govuk-body\">A token lets a program use "
		    "the lantern API as you. Keep it secret and revoke it when it is no longer needed.</p>");
	struct db_stmt *st = db_query(r->db, SQL_TOKENS, "I", u->id);
	bool any = false;
	while (db_next(st)) {
		static const char *const cols[] = {"Name", "Created", "Last used", "Action"};
		if (!any)
			html_table_begin(o, NULL, cols, 4);
		any = true;
		char created[40], used[40] = "Never";
		date_human(db_col_int64(st, 2), created, sizeof created);
		if (!db_col_null(st, 3))
			date_human(db_col_int64(st, 3), used, sizeof used);
		htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%h</td>"
			 "<td class=\"govuk-table__cell\">%h</td><td class=\"govuk-table__cell\">%h</td>"
			 "<td class=\"govuk-table__cell\">",
		      db_col_text(st, 1), created, used);
		html_post_button(r, o, arena_printf(r->arena, "/account/tokens/%lld/revoke", (long long)db_col_int64(st, 0)),
				 "Revoke", true);
		html_lit(o, "</td></tr>");
	}
	db_done(st);
	if (any)
		html_table_end(o);
	else
		html_lit(o, "<p class=\"govuk-body\">You have no API tokens.</p>");
	html_form_begin(r, o, "/account/tokens");
	html_input(o, fe, &(struct field){.name = "token_name", .label = "Name for a new token",
					  .hint = "For example, the report or program that will use it",
					  .width = "govuk-input--width-20"});
	html_button_secondary(o, "Create token");
	html_form_end(o);
	page_end(r, o, &p);
	return status;
}

int account_page(const struct req *r, struct resp *o)
{
	return render(r, o, NULL, NULL, 200);
}

int account_password(const struct req *r, struct resp *o)
{
	const char *current = req_form(r, "current"), *next = req_form(r, "new_password");
	struct form_errors fe = {0};
	char *hash = NULL;
	struct db_stmt *st = db_query(r->db, SQL_HASH, "I", r->user->id);
	if (db_next(st) && !db_col_null(st, 0))
		hash = strdup(db_col_text(st, 0));
	db_done(st);
	if (current == NULL || *current == '\0')
		form_error(&fe, "current", "Enter your current password");
	else if (strlen(current) > PASSWORD_MAX || !auth_check_password(hash, current))
		form_error(&fe, "current", "Your current password is not correct");
	free(hash);
	if (!valid_password(next))
		form_error(&fe, "new_password", "Enter a new password of at least 10 characters");
	if (fe.n)
		return render(r, o, &fe, NULL, 400);
	char *new_hash = auth_hash_password(next);
	if (new_hash == NULL) {
		/* Hashing takes tens of MiB: under memory pressure it fails for this request only. */
		log_error("cannot hash a password (out of memory?)");
		return page_error(r, o, 500, "Sorry, there is a problem with the service", "Try again later.");
	}
	db_begin(r->db);
	db_exec(r->db, SQL_SET_HASH, "sI", new_hash, r->user->id);
	/* Every other session of this user ends; this browser signs in afresh below. */
	auth_sessions_revoke_user(r->db, r->user->id);
	audit(r->db, r->user->id, "user", arena_printf(r->arena, "%lld", (long long)r->user->id), "password-changed",
	      NULL, NULL);
	auth_session_start(r->db, o, r->user->id);
	db_commit(r->db);
	free(new_hash);
	return resp_redirect(o, "/account?done=password");
}

int account_token_create(const struct req *r, struct resp *o)
{
	const char *name = req_form(r, "token_name");
	struct form_errors fe = {0};
	if (!valid_text(name, 80, false))
		form_error(&fe, "token_name", "Enter a name for the token, up to 80 characters");
	if (fe.n)
		return render(r, o, &fe, NULL, 400);
	const char *token = auth_token_create(r->db, r->arena, r->user->id, name);
	if (token == NULL)
		return page_error(r, o, 500, "Sorry, there is a problem with the service", "Try again later.");
	return render(r, o, NULL, token, 200);
}

int account_token_revoke(const struct req *r, struct resp *o)
{
	int64_t id;
	if (!valid_id(req_param(r, 0), &id) || !auth_token_revoke(r->db, r->user->id, id))
		return page_error(r, o, 404, "Token not found", "It may already have been revoked.");
	return resp_redirect(o, "/account?done=revoked");
}
