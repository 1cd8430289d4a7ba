/* users.c — accounts. The admin pages, the JSON API and `lantern user add` all go through
 * users_save(), so the rules (unique email, role links, password strength) live in one place. */
#include "users.h"

#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "confirm.h"
#include "db.h"
#include "password_links.h"
#include "password_quality.h"
#include "ref.h"
#include "valid.h"

static const char SQL_EMAIL_TAKEN[] = "SELECT count(*) FROM users WHERE email = ? AND id <> ?";
static const char SQL_ORG_EXISTS[] = "SELECT count(*) FROM organisations WHERE id = ?";
static const char SQL_SCHOOL_EXISTS[] = "SELECT count(*) FROM settings WHERE urn = ?";
static const char SQL_USER_GET[] = "SELECT email, name, role, coalesce(CAST(org_id AS TEXT), ''), coalesce(school_urn, ''), active"
				   " FROM users WHERE id = ?";
static const char SQL_USER_NEW[] = "INSERT INTO users (email, name, role, org_id, school_urn, password_hash, active,"
				   " created_at) VALUES (?, ?, ?, nullif(?, 0), ?, ?, ?, ?)";
static const char SQL_USER_SET[] = "UPDATE users SET email = ?, name = ?, role = ?, org_id = nullif(?, 0), school_urn = ?,"
				   " active = ? WHERE id = ?";
static const char SQL_USER_SET_HASH[] = "UPDATE users SET password_hash = ? WHERE id = ?";

static bool parse_flag(const char *s, int *out)
{
	if (s == NULL)
		return false;
	if (strcmp(s, "1") == 0 || strcmp(s, "true") == 0 || strcmp(s, "yes") == 0)
		*out = 1;
	else if (strcmp(s, "0") == 0 || strcmp(s, "false") == 0 || strcmp(s, "no") == 0)
		*out = 0;
	else
		return false;
	return true;
}

/* Current values, so an update may give only the fields that change. */
struct stored {
	char *email, *name, *role, *org, *school;
	int active;
};

static bool load(struct db *db, int64_t id, struct stored *s)
{
	struct db_stmt *st = db_query(db, SQL_USER_GET, "I", id);
	bool found = db_next(st);
	if (found) {
		s->email = xstrdup(db_col_text(st, 0));
		s->name = xstrdup(db_col_text(st, 1));
		s->role = xstrdup(db_col_text(st, 2));
		s->org = xstrdup(db_col_text(st, 3));
		s->school = xstrdup(db_col_text(st, 4));
		s->active = db_col_int(st, 5);
	}
	db_done(st);
	return found;
}

static void stored_free(struct stored *s)
{
	free(s->email);
	free(s->name);
	free(s->role);
	free(s->org);
	free(s->school);
}

int64_t users_save(struct db *db, int64_t actor, int64_t id, const struct user_input *in, struct form_errors *fe)
{
	struct stored old = {0};
	if (id && !load(db, id, &old)) {
		form_error(fe, "id", "There is no such user");
		return 0;
	}
	const char *email = in->email ? in->email : old.email;
	const char *name = in->name ? in->name : old.name;
	const char *role = in->role ? in->role : old.role;
	const char *org = in->org ? in->org : old.org;
	const char *school = in->school ? in->school : old.school;
	int active = id ? old.active : 1;
	int64_t org_id = 0;

	if (!valid_email(email))
		form_error(fe, "email", "Enter an email address in the correct format, like name@example.org");
	else if (db_int(db, 0, SQL_EMAIL_TAKEN, "sI", email, id) > 0)
		form_error(fe, "email", "Another account already uses this email address");
	if (!valid_text(name, 120, false))
		form_error(fe, "name", "Enter the person's full name, up to 120 characters");
	int r = role_parse(role);
	if (r < 0)
		form_error(fe, "role", "Choose a role");
	if (org && *org && (!valid_id(org, &org_id) || db_int(db, 0, SQL_ORG_EXISTS, "I", org_id) == 0))
		form_error(fe, "org", "Choose an organisation from the list");
	if (r == ROLE_PRACTITIONER && org_id == 0)
		form_error(fe, "org", "Choose the practitioner's organisation");
	if (r == ROLE_SCHOOL) {
		if (!valid_urn(school))
			form_error(fe, "school", "Enter the school's 6-digit URN");
		else if (db_int(db, 0, SQL_SCHOOL_EXISTS, "s", school) == 0)
			form_error(fe, "school", "There is no setting with that URN; import it first");
	} else {
		school = NULL; /* only school users are linked to a setting */
	}
	if (in->active && !parse_flag(in->active, &active))
		form_error(fe, "active", "Say whether the account is active");
	const char *weak = in->password ? password_problem(in->password, PASSWORD_FIELD_PASSWORD, email, NULL) : NULL;
	if (weak)
		form_error(fe, "password", weak);
	if (!id && !in->password && !in->no_password && !in->invite)
		form_error(fe, "password", "Enter a password of at least 10 characters");
	if (fe->n) {
		stored_free(&old);
		return 0;
	}

	char *hash = in->password ? auth_hash_password(in->password) : NULL;
	if (in->password && hash == NULL) {
		/* Hashing takes tens of MiB: under memory pressure it fails for this request only. */
		log_error("cannot hash a password (out of memory?)");
		db_fail(db);
		stored_free(&old);
		return 0;
	}
	int64_t result = 0;
	if (db_begin(db) != DB_OK)
		goto out;
	enum db_rc rc;
	if (id == 0) {
		rc = db_exec(db, SQL_USER_NEW, "sssIssiI", email, name, role, org_id, school, hash, active, now_utc());
		id = db_last_id(db);
	} else {
		rc = db_exec(db, SQL_USER_SET, "sssIsiI", email, name, role, org_id, school, active, id);
		if (rc == DB_OK && hash)
			rc = db_exec(db, SQL_USER_SET_HASH, "sI", hash, id);
	}
	if (rc != DB_OK) {
		db_rollback(db);
		if (rc == DB_CONSTRAINT)
			form_error(fe, "email", "Another account already uses this email address");
		goto out;
	}
	char *idtext = xasprintf("%lld", (long long)id);
	char *summary = xasprintf("%s %s %s active=%d", email, role, school ? school : "", active);
	char *before = old.email ? xasprintf("%s %s %s active=%d", old.email, old.role, old.school, old.active) : NULL;
	audit(db, actor, "user", idtext, old.email ? "update" : "create", before, summary);
	if (hash && old.email)
		audit(db, actor, "user", idtext, "password-set", NULL, NULL);
	if (!old.email && !hash && in->invite) {
		if (password_link_send(db, id, email, PASSWORD_LINK_INVITE) != 0) {
			db_rollback(db);
			free(idtext);
			free(summary);
			free(before);
			goto out;
		}
		audit(db, actor, "user", idtext, "invited", NULL, NULL);
	}
	/* A reset or a deactivation ends every way in that the old password or the old access gave. */
	if (old.email && (hash || !active)) {
		int sessions = auth_sessions_revoke_user(db, id), tokens = auth_tokens_revoke_user(db, id);
		if (sessions || tokens) {
			char *ended = xasprintf("sessions=%d tokens=%d", sessions, tokens);
			audit(db, actor, "user", idtext, "access-ended", NULL, ended);
			free(ended);
		}
	}
	free(idtext);
	free(summary);
	free(before);
	if (db_commit(db) == DB_OK)
		result = id;
out:
	free(hash);
	stored_free(&old);
	return result;
}

/* ---- web pages ---- */

static const char SQL_USERS[] = "SELECT u.id, u.name, u.email, u.role, coalesce(o.name, s.name, ''), u.active"
				" FROM users u LEFT JOIN organisations o ON o.id = u.org_id"
				" LEFT JOIN settings s ON s.urn = u.school_urn ORDER BY u.active DESC, u.name LIMIT 500";

static struct user_input input_from(const struct req *r)
{
	return (struct user_input){
		.email = req_field(r, "email"),
		.name = req_field(r, "name"),
		.role = req_field(r, "role"),
		.org = req_field(r, "org"),
		.school = req_field(r, "school"),
		.active = req_field(r, "active"),
		.password = req_field(r, "password"),
	};
}

int users_list_page(const struct req *r, struct resp *o)
{
	struct page p = {.title = "Users", .nav = "/admin/users", .wide = true};
	page_begin(r, o, &p);
	html_lit(o, "<h1 class=\"govuk-heading-l\">Users</h1>");
	if (req_query(r, "done"))
		html_notice(o, "The account has been saved", NULL);
	html_lit(o, "<a href=\"/admin/users/new\" role=\"button\" draggable=\"false\" class=\"govuk-button\" "
		    "data-module=\"govuk-button\">Add a user</a>"
		    );
	static const char *const cols[] = {"Name", "Email", "Role", "Organisation or school", "Status"};
	html_table_begin(o, NULL, cols, 5);
	struct db_stmt *st = db_query(r->db, SQL_USERS, "");
	while (db_next(st)) {
		int role = role_parse(db_col_text(st, 3));
		htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a class=\"govuk-link\" "
			 "href=\"/admin/users/%D\">%h</a></td><td class=\"govuk-table__cell\">%h</td>"
			 "<td class=\"govuk-table__cell\">%h</td><td class=\"govuk-table__cell\">%h</td>"
			 "<td class=\"govuk-table__cell\">",
		      db_col_int64(st, 0), db_col_text(st, 1), db_col_text(st, 2), role_label((enum role)role),
		      db_col_text(st, 4));
		if (db_col_int(st, 5))
			html_tag(o, "Active", "green");
		else
			html_tag(o, "Deactivated", "grey");
		html_lit(o, "</td></tr>");
	}
	db_done(st);
	html_table_end(o);
	page_end(r, o, &p);
	return 200;
}

static void form_fields(const struct req *r, struct resp *o, const struct user_input *v, const struct form_errors *fe,
			bool creating)
{
	html_input(o, fe, &(struct field){.name = "name", .label = "Full name", .value = v->name});
	html_input(o, fe, &(struct field){.name = "email", .label = "Email address", .value = v->email, .type = "email"});
	struct option roles[ROLE__MAX];
	for (int i = 0; i < ROLE__MAX; i++)
		roles[i] = (struct option){role_name((enum role)i), role_label((enum role)i)};
	html_radios(o, fe, &(struct field){.name = "role", .label = "Role", .value = v->role}, roles, ROLE__MAX);

	const struct option *orgs;
	size_t n = ref_org_options(r->db, r->arena, "None", &orgs);
	html_select(o, fe, &(struct field){.name = "org", .label = "Organisation", .value = v->org,
					   .hint = "Required for practitioners"},
		    orgs, n);
	html_input(o, fe, &(struct field){.name = "school", .label = "School URN", .value = v->school,
					  .hint = "Required for school leads: the setting's 6-digit DfE URN",
					  .width = "govuk-input--width-10", .inputmode = "numeric"});
	/* Deactivating has its own confirmation (users_deactivate_page); the form only reactivates. */
	if (!creating && v->active && strcmp(v->active, "0") == 0) {
		static const struct option states[] = {{"1", "Active"}, {"0", "Deactivated: cannot sign in"}};
		html_radios(o, fe, &(struct field){.name = "active", .label = "Status", .value = v->active}, states, 2);
	}
	html_input(o, fe, &(struct field){.name = "password", .label = creating ? "Password" : "New password",
					  .type = "password", .autocomplete = "new-password",
					  .hint = creating ? "Leave blank to e-mail the person a link to choose their own (it "
							     "works for 7 days); or at least 10 characters, given to them securely"
							   : "Leave blank to keep the current password"});
}

static int render_form(const struct req *r, struct resp *o, int64_t id, const struct user_input *v,
		       const struct form_errors *fe, int status)
{
	struct page p = {.title = id ? "Change a user" : "Add a user", .nav = "/admin/users", .errors = fe,
			 .back = "/admin/users"};
	page_begin(r, o, &p);
	htmlf(o, "<h1 class=\"govuk-heading-l\">%h</h1>", p.title);
	html_form_begin(r, o, id ? arena_printf(r->arena, "/admin/users/%lld", (long long)id) : "/admin/users/new");
	form_fields(r, o, v, fe, id == 0);
	html_button(o, "Save");
	html_form_end(o);
	if (id && (v->active == NULL || strcmp(v->active, "0") != 0)) {
		html_lit(o, "<h2 class=\"govuk-heading-m\">Deactivate this account</h2><p class=\"govuk-body\">For someone "
			    "who has left: they can no longer sign in, and their records stay.</p>");
		html_link_button(o, arena_printf(r->arena, "/admin/users/%lld/deactivate", (long long)id),
				 "Deactivate this account", true);
	}
	page_end(r, o, &p);
	return status;
}

static const char SQL_LIVE_TOKENS[] = "SELECT count(*) FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL";

int users_deactivate_page(const struct req *r, struct resp *o)
{
	int64_t id;
	struct stored s = {0};
	if (!valid_id(req_param(r, 0), &id) || !load(r->db, id, &s))
		return page_error(r, o, 404, "Page not found", "There is no such user.");
	const char *back = arena_printf(r->arena, "/admin/users/%lld", (long long)id);
	const char *name = arena_strdup(r->arena, s.name), *email = arena_strdup(r->arena, s.email);
	const char *role = role_label((enum role)role_parse(s.role));
	int active = s.active;
	stored_free(&s);
	if (!active)
		return page_error_back(r, o, 409, "This account is already deactivated",
				       "To let them sign in again, make the account active on its page.", back);
	int64_t tokens = db_int(r->db, 0, SQL_LIVE_TOKENS, "I", id);
	struct confirm c = {.title = arena_printf(r->arena, "Deactivate %s's account?", name), .nav = "/admin/users",
			    .action = r->path, .button = "Yes, deactivate the account", .back = back};
	confirm_begin(r, o, &c);
	html_lit(o, "<dl class=\"govuk-summary-list\">");
	html_summary_row(o, "Email", email);
	html_summary_row(o, "Role", role);
	html_lit(o, "</dl>");
	htmlf(o, "<p class=\"govuk-body\">%h will be signed out everywhere and will not be able to sign in. Their "
		 "bookings, attendance and certificates are kept.</p>",
	      name);
	if (id == r->user->id)
		html_lit(o, "<p class=\"govuk-body\">This is your own account: you will be signed out at once.</p>");
	html_lit(o, "<p class=\"govuk-body\">The account can be made active again later.</p>");
	if (tokens > 0)
		c.warning = tokens == 1 ? "Their API token will be revoked, which cannot be undone."
					: arena_printf(r->arena, "Their %lld API tokens will be revoked, which cannot be undone.",
						       (long long)tokens);
	return confirm_end(r, o, &c);
}

int users_deactivate(const struct req *r, struct resp *o)
{
	int64_t id;
	if (!valid_id(req_param(r, 0), &id))
		return page_error(r, o, 404, "Page not found", "There is no such user.");
	struct form_errors fe = {0};
	if (users_save(r->db, r->user->id, id, &(struct user_input){.active = "0"}, &fe) != 0)
		return resp_redirect(o, "/admin/users?done=1");
	if (form_error_for(&fe, "id"))
		return page_error(r, o, 404, "Page not found", "There is no such user.");
	if (fe.n)
		return page_error(r, o, 409, "The account was not deactivated", fe.e[0].message);
	return page_error(r, o, 500, "Sorry, there is a problem with the service", "Try again later.");
}

int users_new_page(const struct req *r, struct resp *o)
{
	return render_form(r, o, 0, &(struct user_input){.role = "practitioner"}, NULL, 200);
}

int users_create(const struct req *r, struct resp *o)
{
	struct user_input in = input_from(r);
	in.active = NULL;
	if (in.password && *in.password == '\0')
		in.password = NULL;
	in.invite = in.password == NULL;
	struct form_errors fe = {0};
	if (users_save(r->db, r->user->id, 0, &in, &fe) == 0) {
		if (fe.n == 0)
			return page_error(r, o, 500, "Sorry, there is a problem with the service", "Try again later.");
		return render_form(r, o, 0, &in, &fe, 400);
	}
	return resp_redirect(o, "/admin/users?done=1");
}

int users_edit_page(const struct req *r, struct resp *o)
{
	int64_t id;
	struct stored s = {0};
	if (!valid_id(req_param(r, 0), &id) || !load(r->db, id, &s))
		return page_error(r, o, 404, "Page not found", "There is no such user.");
	struct user_input v = {.email = arena_strdup(r->arena, s.email), .name = arena_strdup(r->arena, s.name),
			       .role = arena_strdup(r->arena, s.role), .org = arena_strdup(r->arena, s.org),
			       .school = arena_strdup(r->arena, s.school), .active = s.active ? "1" : "0"};
	stored_free(&s);
	return render_form(r, o, id, &v, NULL, 200);
}

int users_update(const struct req *r, struct resp *o)
{
	int64_t id;
	if (!valid_id(req_param(r, 0), &id))
		return page_error(r, o, 404, "Page not found", "There is no such user.");
	struct user_input in = input_from(r);
	if (in.password && *in.password == '\0')
		in.password = NULL;
	struct form_errors fe = {0};
	if (users_save(r->db, r->user->id, id, &in, &fe) == 0) {
		if (form_error_for(&fe, "id"))
			return page_error(r, o, 404, "Page not found", "There is no such user.");
		if (fe.n == 0)
			return page_error(r, o, 500, "Sorry, there is a problem with the service", "Try again later.");
		return render_form(r, o, id, &in, &fe, 400);
	}
	return resp_redirect(o, "/admin/users?done=1");
}

/* ---- JSON API ---- */

static const char SQL_USER_JSON[] = "SELECT id, email, name, role, org_id, school_urn, active FROM users"
				    " WHERE id = ?1 OR ?1 = 0 ORDER BY id LIMIT 5000";

static json_t *user_json(struct db_stmt *st)
{
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)db_col_int64(st, 0), "email",
			      db_col_text(st, 1), "name", db_col_text(st, 2), "role", db_col_text(st, 3), "active",
			      db_col_int(st, 6));
	json_object_set_new(j, "organisation", db_col_null(st, 4) ? json_null() : json_integer(db_col_int64(st, 4)));
	json_object_set_new(j, "school", db_col_null(st, 5) ? json_null() : json_string(db_col_text(st, 5)));
	return j;
}

int users_api_list(const struct req *r, struct resp *o)
{
	json_t *list = json_array();
	struct db_stmt *st = db_query(r->db, SQL_USER_JSON, "I", (int64_t)0);
	while (db_next(st))
		json_array_append_new(list, user_json(st));
	return resp_json(o, 200, list);
}

static int api_save(const struct req *r, struct resp *o, int64_t id)
{
	if (r->json == NULL)
		return resp_error(o, 415, "Send a JSON object with Content-Type: application/json.", NULL);
	struct user_input in = input_from(r);
	in.invite = id == 0 && in.password == NULL;
	struct form_errors fe = {0};
	int64_t saved = users_save(r->db, r->user->id, id, &in, &fe);
	if (saved == 0) {
		if (form_error_for(&fe, "id"))
			return resp_error(o, 404, "There is no such user.", NULL);
		if (fe.n == 0)
			return resp_error(o, 500, "The account could not be saved.", NULL);
		return resp_error(o, 422, fe.e[0].message, fe.e[0].field);
	}
	struct db_stmt *st = db_query(r->db, SQL_USER_JSON, "I", saved);
	json_t *j = db_next(st) ? user_json(st) : json_object();
	db_done(st);
	return resp_json(o, id ? 200 : 201, j);
}

int users_api_create(const struct req *r, struct resp *o)
{
	return api_save(r, o, 0);
}

int users_api_update(const struct req *r, struct resp *o)
{
	int64_t id;
	if (!valid_id(req_param(r, 0), &id))
		return resp_error(o, 404, "There is no such user.", NULL);
	return api_save(r, o, id);
}
