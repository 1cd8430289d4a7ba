/* certificate_withdraw.c — an admin withdraws a certificate that should not stand (marked in error,
 * say): a confirmation page asking why, and the API. The reason goes to the audit trail and stays
 * with the programme team; the public /verify page says only that it was withdrawn, and when. */
#include "certificates.h"

#include "audit.h"
#include "auth.h"
#include "catalog.h"
#include "db.h"
#include "html.h"
#include "route.h"
#include "valid.h"

static const char SQL_CERTIFICATE[] =
	"SELECT c.code, u.name, s.course_id, s.starts_at, c.withdrawn_at, coalesce(w.name, ''), c.withdrawn_reason"
	" FROM certificates c JOIN bookings b ON b.id = c.booking_id JOIN users u ON u.id = b.user_id"
	" JOIN sessions s ON s.id = b.session_id LEFT JOIN users w ON w.id = c.withdrawn_by WHERE c.booking_id = ?";
static const char SQL_WITHDRAW[] = "UPDATE certificates SET withdrawn_at = ?, withdrawn_by = ?, withdrawn_reason = ?"
				   " WHERE booking_id = ? AND withdrawn_at IS NULL";

struct issued {
	const char *code, *name, *course, *withdrawn_by, *reason;
	int64_t starts, withdrawn_at;
};

static bool load(struct db *db, struct arena *a, int64_t booking, struct issued *c)
{
	struct db_stmt *st = db_query(db, SQL_CERTIFICATE, "I", booking);
	bool found = db_next(st);
	if (found) {
		const struct course *course = catalog_course(db_col_text(st, 2));
		*c = (struct issued){
			.code = arena_strdup(a, db_col_text(st, 0)),
			.name = arena_strdup(a, db_col_text(st, 1)),
			.course = course ? course->title : arena_strdup(a, db_col_text(st, 2)),
			.starts = db_col_int64(st, 3),
			.withdrawn_at = db_col_int64(st, 4),
			.withdrawn_by = arena_strdup(a, db_col_text(st, 5)),
			.reason = arena_strdup(a, db_col_text(st, 6)),
		};
	}
	db_done(st);
	return found;
}

/* Withdraws booking's certificate for reason, audited, in one transaction. Returns 0, or an HTTP
 * status with *error (and *field when the reason is at fault). */
static int withdraw(struct db *db, struct arena *a, int64_t actor, int64_t booking, const char *reason,
		    const char **error, const char **field)
{
	*field = NULL;
	if (reason == NULL || !valid_text(reason, 1000, true)) {
		*field = "reason";
		*error = "Give the reason for withdrawing the certificate, in up to 1000 characters";
		return 422;
	}
	if (db_begin(db) != DB_OK) {
		*error = "The service is busy; try again.";
		return 503;
	}
	struct issued c;
	int rc = 0;
	if (!load(db, a, booking, &c)) {
		*error = "No certificate has been issued for this booking.";
		rc = 404;
	} else if (c.withdrawn_at) {
		*error = "This certificate has already been withdrawn.";
		rc = 409;
	} else if (db_exec(db, SQL_WITHDRAW, "IIsI", now_utc(), actor, reason, booking) != DB_OK || db_changes(db) != 1 ||
		   audit(db, actor, "certificate", arena_printf(a, "%lld", (long long)booking), "withdraw", "issued",
			 arena_printf(a, "withdrawn: %s", reason)) != 0) {
		*error = "The certificate could not be withdrawn; try again.";
		rc = 503;
	}
	if (rc) {
		db_rollback(db);
		return rc;
	}
	if (db_commit(db) != DB_OK) {
		*error = "The service is busy; try again.";
		return 503;
	}
	return 0;
}

/* Opens the summary list with whose certificate it is; the caller adds rows and closes it. */
static void summary_begin(struct resp *o, const struct issued *c)
{
	char date[40];
	date_human(c->starts, date, sizeof date);
	html_lit(o, "<dl class=\"govuk-summary-list\">");
	html_summary_row(o, "Name", c->name);
	html_summary_row(o, "Course", c->course);
	html_summary_row(o, "Date", date);
}

/* The confirmation (with the reason asked for), or for one already withdrawn, when, by whom and why. */
static int render(const struct req *r, struct resp *o, int64_t booking, const struct form_errors *fe, int status)
{
	struct issued c;
	if (!load(r->db, r->arena, booking, &c))
		return page_error(r, o, 404, "No certificate to withdraw",
				  "No certificate has been issued for this booking: certificates are issued after the "
				  "session has ended, to those marked as attending.");
	struct page p = {.title = c.withdrawn_at ? "Certificate withdrawn" : "Withdraw a certificate", .errors = fe,
			 .back = c.withdrawn_at ? NULL : arena_printf(r->arena, "/certificates/%lld", (long long)booking)};
	page_begin(r, o, &p);
	if (c.withdrawn_at) {
		if (req_query(r, "done"))
			html_notice(o, "Certificate withdrawn", NULL);
		char when[80];
		time_human(c.withdrawn_at, when, sizeof when);
		html_lit(o, "<h1 class=\"govuk-heading-l\">This certificate was withdrawn</h1>");
		summary_begin(o, &c);
		html_summary_row(o, "Withdrawn", when);
		html_summary_row(o, "By", c.withdrawn_by);
		html_summary_row(o, "Reason", c.reason);
		html_lit(o, "</dl>");
		htmlf(o, "<p class=\"govuk-body\">Its <a class=\"govuk-link\" href=\"/verify/%u\">public page</a> now says "
			 "it was withdrawn, and when; the reason stays with the programme team.</p>",
		      c.code);
		page_end(r, o, &p);
		return 200;
	}
	html_lit(o, "<h1 class=\"govuk-heading-l\">Withdraw this certificate?</h1>");
	summary_begin(o, &c);
	html_lit(o, "</dl>");
	html_lit(o, "<div class=\"govuk-warning-text\"><span class=\"govuk-warning-text__icon\" aria-hidden=\"true\">!</span>"
		    "<strong class=\"govuk-warning-text__text\"><span class=\"govuk-visually-hidden\">Warning</span>"
		    "Anyone who checks it will be told it was withdrawn. This cannot be undone.</strong></div>");
	html_form_begin(r, o, arena_printf(r->arena, "/certificates/%lld/withdraw", (long long)booking));
	html_textarea(o, fe, &(struct field){.name = "reason", .label = "Why is it being withdrawn?",
					     .hint = "Kept in the audit trail for the programme team; not shown publicly",
					     .value = req_form(r, "reason")});
	html_button_warning(o, "Withdraw certificate");
	html_form_end(o);
	page_end(r, o, &p);
	return status;
}

int certificates_withdraw_page(const struct req *r, struct resp *o)
{
	int64_t booking;
	if (!valid_id(req_param(r, 0), &booking))
		return route_error(r, o, 404, "There is no such certificate.");
	return render(r, o, booking, NULL, 200);
}

int certificates_withdraw_post(const struct req *r, struct resp *o)
{
	int64_t booking;
	if (!valid_id(req_param(r, 0), &booking))
		return route_error(r, o, 404, "There is no such certificate.");
	const char *error, *field;
	int rc = withdraw(r->db, r->arena, r->user->id, booking, req_form(r, "reason"), &error, &field);
	if (rc == 422) {
		struct form_errors fe = {0};
		form_error(&fe, field, error);
		return render(r, o, booking, &fe, 400);
	}
	if (rc)
		return route_error(r, o, rc, error);
	return resp_redirect(o, arena_printf(r->arena, "/certificates/%lld/withdraw?done=withdrawn", (long long)booking));
}

int certificates_api_withdraw(const struct req *r, struct resp *o)
{
	int64_t booking;
	if (!valid_id(req_param(r, 0), &booking))
		return resp_error(o, 404, "There is no such certificate.", NULL);
	const char *error, *field;
	int rc = withdraw(r->db, r->arena, r->user->id, booking, req_field(r, "reason"), &error, &field);
	if (rc)
		return resp_error(o, rc, error, field);
	struct issued c;
	load(r->db, r->arena, booking, &c);
	char when[32];
	time_iso_local(c.withdrawn_at, when);
	return resp_json(o, 200, json_pack("{s:I, s:s, s:s, s:s}", "booking", (json_int_t)booking, "code", c.code,
					   "withdrawn_at", when, "reason", c.reason));
}
