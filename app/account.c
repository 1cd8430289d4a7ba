/* account.c — your account: change your password (which ends your other sessions and, if you
 * choose, your API tokens), create and revoke your own API tokens. */
#include "account.h"

#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "confirm.h"
#include "db.h"
#include "html.h"
#include "login_throttle.h"
#include "password_quality.h"
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
	if (done && strcmp(done, "password-tokens") == 0)
		html_notice(o, "Your password has been changed",
			    "Other browsers signed in as you have been signed out, and your API tokens revoked.");
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
	html_lit(o, "<div class=\"govuk-form-group\"><div class=\"govuk-checkboxes govuk-checkboxes--small\" "
		    "data-module=\"govuk-checkboxes\"><div class=\"govuk-checkboxes__item\">"
		    "<input class=\"govuk-checkboxes__input\" id=\"revoke_tokens\" name=\"revoke_tokens\" "
		    "type=\"checkbox\" value=\"yes\">"
		    "<label class=\"govuk-label govuk-checkboxes__label\" for=\"revoke_tokens\">Also revoke all my API "
		    "tokens (do this if one may have leaked)</label></div></div></div>");
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
		htmlf(o, "<a class=\"govuk-link\" href=\"/account/tokens/%D/revoke\">Revoke<span class=\"govuk-visually-hidden\">"
			 " %h</span></a>",
		      db_col_int64(st, 0), db_col_text(st, 1));
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

/* What a password change did, for the answer. */
struct changed {
	int sessions, tokens;
};

/* Checks the current password (throttled like a sign-in: a stolen session must not become a
 * password) and the new one, then changes it, ends every session of the person and, if asked,
 * revokes their tokens. Field errors go in fe (fields "current" and "new_password"); *wait is set
 * when the check was throttled. Returns 0 on success. */
static int change_password(const struct req *r, struct form_errors *fe, int *wait, struct changed *done)
{
	const char *current = req_field(r, "current"), *next = req_field(r, "new_password");
	const char *revoke = req_field(r, "revoke_tokens");
	bool revoke_tokens = revoke && (strcmp(revoke, "yes") == 0 || strcmp(revoke, "true") == 0);
	bool current_ok = false;
	*wait = 0;
	if (current == NULL || *current == '\0') {
		form_error(fe, "current", "Enter your current password");
	} else if (strlen(current) > PASSWORD_MAX) {
		form_error(fe, "current", "Your current password is not correct");
	} else {
		struct login_throttle t;
		*wait = login_throttle_begin(r->db, &t, r->user->email, r->client_addr);
		if (*wait != 0)
			return -1;
		char *hash = NULL;
		struct db_stmt *st = db_query(r->db, SQL_HASH, "I", r->user->id);
		if (db_next(st) && !db_col_null(st, 0))
			hash = strdup(db_col_text(st, 0));
		db_done(st);
		if (auth_check_password(hash, current)) {
			login_throttle_passed(r->db, &t);
			current_ok = true;
		} else {
			login_throttle_failed(r->db, &t, r->user->email);
			form_error(fe, "current", "Your current password is not correct");
		}
		free(hash);
	}
	const char *weak = password_problem(next, PASSWORD_FIELD_NEW, r->user->email, current_ok ? current : NULL);
	if (weak)
		form_error(fe, "new_password", weak);
	if (fe->n)
		return -1;
	char *new_hash = auth_hash_password(next);
	if (new_hash == NULL) {
		/* Hashing takes tens of MiB: under memory pressure it fails for this request only. */
		log_error("cannot hash a password (out of memory?)");
		return -1;
	}
	int rc = -1;
	if (db_begin(r->db) != DB_OK)
		goto out;
	db_exec(r->db, SQL_SET_HASH, "sI", new_hash, r->user->id);
	/* Every session of this person ends; a browser that asked signs in afresh (the caller). */
	done->sessions = auth_sessions_revoke_user(r->db, r->user->id);
	done->tokens = revoke_tokens ? auth_tokens_revoke_user(r->db, r->user->id) : 0;
	char *ended = xasprintf("sessions=%d tokens=%d", done->sessions, done->tokens);
	audit(r->db, r->user->id, "user", arena_printf(r->arena, "%lld", (long long)r->user->id), "password-changed",
	      NULL, ended);
	free(ended);
	if (db_commit(r->db) == DB_OK)
		rc = 0;
out:
	free(new_hash);
	return rc;
}

int account_password(const struct req *r, struct resp *o)
{
	struct form_errors fe = {0};
	struct changed done = {0};
	int wait;
	if (change_password(r, &fe, &wait, &done) != 0) {
		if (wait > 0) {
			form_error(&fe, "current", arena_printf(r->arena, "Too many wrong passwords have been tried for this "
								       "account: try again in %d seconds", wait));
			resp_header(o, "Retry-After", arena_printf(r->arena, "%d", wait));
			return render(r, o, &fe, NULL, 429);
		}
		if (fe.n == 0)
			return page_error(r, o, 503, "Sorry, there is a problem with the service", "Try again later.");
		return render(r, o, &fe, NULL, 400);
	}
	/* This browser stays signed in, with a new session id. */
	if (auth_session_start(r->db, o, r->user->id) != 0)
		return page_error(r, o, 500, "Sorry, there is a problem with the service", "Try again later.");
	return resp_redirect(o, done.tokens ? "/account?done=password-tokens" : "/account?done=password");
}

int account_api_password(const struct req *r, struct resp *o)
{
	if (r->json == NULL)
		return resp_error(o, 415, "Send a JSON object with Content-Type: application/json.", NULL);
	struct form_errors fe = {0};
	struct changed done = {0};
	int wait;
	if (change_password(r, &fe, &wait, &done) != 0) {
		if (wait > 0) {
			resp_header(o, "Retry-After", arena_printf(r->arena, "%d", wait));
			return resp_error(o, 429, "Too many wrong passwords have been tried for this account; wait and try again.",
					  "current");
		}
		if (fe.n == 0)
			return resp_error(o, 503, "The password could not be changed; try again later.", NULL);
		return resp_error(o, 422, fe.e[0].message, fe.e[0].field);
	}
	return resp_json(o, 200,
			 json_pack("{s:i, s:i}", "sessions_ended", done.sessions, "tokens_revoked", done.tokens));
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

static const char SQL_TOKEN[] = "SELECT name, created_at, last_used_at, revoked_at IS NOT NULL FROM api_tokens"
				" WHERE id = ? AND user_id = ?";

int account_token_revoke_page(const struct req *r, struct resp *o)
{
	int64_t id = 0;
	struct db_stmt *st = db_query(r->db, SQL_TOKEN, "II", valid_id(req_param(r, 0), &id) ? id : 0, r->user->id);
	if (!db_next(st)) {
		db_done(st);
		return page_error_back(r, o, 404, "Token not found", "There is no such token of yours.", "/account");
	}
	bool revoked = db_col_int(st, 3) != 0;
	const char *name = arena_strdup(r->arena, db_col_text(st, 0));
	char created[40], used[40] = "Never";
	date_human(db_col_int64(st, 1), created, sizeof created);
	if (!db_col_null(st, 2))
		date_human(db_col_int64(st, 2), used, sizeof used);
	db_done(st);
	if (revoked)
		return page_error_back(r, o, 409, "This token has already been revoked", "Programs that use it are refused.",
				       "/account");
	struct confirm c = {.title = "Revoke this API token?", .nav = "/account", .action = r->path,
			    .button = "Yes, revoke the token", .back = "/account",
			    .warning = "This cannot be undone: a program that still needs the API will need a new token."};
	confirm_begin(r, o, &c);
	html_lit(o, "<dl class=\"govuk-summary-list\">");
	html_summary_row(o, "Name", name);
	html_summary_row(o, "Created", created);
	html_summary_row(o, "Last used", used);
	html_lit(o, "</dl><p class=\"govuk-body\">Any program that uses it will be refused from then on.</p>");
	return confirm_end(r, o, &c);
}

int account_token_revoke(const struct req *r, struct resp *o)
{
	int64_t id;
	if (!valid_id(req_param(r, 0), &id) || !auth_token_revoke(r->db, r->user->id, id))
		return page_error(r, o, 404, "Token not found", "It may already have been revoked.");
	return resp_redirect(o, "/account?done=revoked");
}
