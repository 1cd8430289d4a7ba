/* certificates.c — a printable certificate for each attendance, carrying a QR code that links to
 * /verify/{code}: a public page that confirms the name, course and date for an unguessable code,
 * and nothing more. */
#include "certificates.h"

#include <string.h>

#include "attendance.h"
#include "auth.h"
#include "catalog.h"
#include "db.h"
#include "html.h"
#include "print.h"
#include "qr.h"
#include "route.h"
#include "site.h"
#include "valid.h"

static const char SQL_ATTENDANCE[] =
	"SELECT b.user_id, b.status, u.name, s.course_id, s.starts_at, s.ends_at, c.code"
	" FROM bookings b JOIN users u ON u.id = b.user_id JOIN sessions s ON s.id = b.session_id"
	" LEFT JOIN certificates c ON c.booking_id = b.id WHERE b.id = ?";
static const char SQL_ISSUE[] = "INSERT OR IGNORE INTO certificates (code, booking_id, issued_at) VALUES (?, ?, ?)";
static const char SQL_CODE[] = "SELECT code FROM certificates WHERE booking_id = ?";
static const char SQL_VERIFY[] =
	"SELECT u.name, s.course_id, s.starts_at, b.status FROM certificates c JOIN bookings b ON b.id = c.booking_id"
	" JOIN users u ON u.id = b.user_id JOIN sessions s ON s.id = b.session_id WHERE c.code = ?";

struct certificate {
	const char *name, *code, *url;
	const struct course *course;
	int64_t starts, ends;
};

/* The certificate of the booking in the path, issued on first request. Returns 0, or an HTTP
 * status with *why: someone else's is not found; one for an absence is refused. */
static int certificate_for(const struct req *r, struct certificate *c, const char **why)
{
	int64_t booking;
	*why = "There is no such certificate.";
	if (!valid_id(req_param(r, 0), &booking))
		return 404;
	struct db_stmt *st = db_query(r->db, SQL_ATTENDANCE, "I", booking);
	if (!db_next(st) || (r->user->role != ROLE_ADMIN && db_col_int64(st, 0) != r->user->id))
		return 404;
	if (!attendance_present(db_col_text(st, 1))) {
		*why = "A certificate is issued once a trainer has marked you as attending.";
		return 409;
	}
	c->name = arena_strdup(r->arena, db_col_text(st, 2));
	c->course = catalog_course(db_col_text(st, 3));
	c->starts = db_col_int64(st, 4);
	c->ends = db_col_int64(st, 5);
	c->code = arena_strdup(r->arena, db_col_text(st, 6));
	db_done(st);
	if (c->code == NULL) {
		db_exec(r->db, SQL_ISSUE, "sII", auth_random_token(r->arena, 18), booking, now_utc());
		st = db_query(r->db, SQL_CODE, "I", booking);
		if (db_next(st))
			c->code = arena_strdup(r->arena, db_col_text(st, 0));
		db_done(st);
	}
	if (c->code == NULL) {
		*why = "The certificate could not be issued; try again.";
		return 500;
	}
	c->url = arena_printf(r->arena, "%s/verify/%s", site_base_url(), c->code);
	return 0;
}

int certificates_api(const struct req *r, struct resp *o)
{
	struct certificate c;
	const char *why;
	int rc = certificate_for(r, &c, &why);
	if (rc)
		return resp_error(o, rc, why, NULL);
	char date[32];
	time_iso_local(c.starts, date);
	date[10] = '\0';
	return resp_json(o, 200, json_pack("{s:s, s:s, s:s, s:s, s:s}", "code", c.code, "verify_url", c.url, "name", c.name,
					   "course", c.course ? c.course->id : "", "date", date));
}

int certificates_page(const struct req *r, struct resp *o)
{
	struct certificate cert;
	const char *why;
	int rc = certificate_for(r, &cert, &why);
	if (rc)
		return route_error(r, o, rc, why);
	const char *name = cert.name, *url = cert.url;
	const struct course *c = cert.course;
	int64_t starts = cert.starts, ends = cert.ends;
	char date[40];
	date_human(starts, date, sizeof date);
	struct page p = {.title = "Certificate of attendance", .wide = true, .back = "/training"};
	page_begin(r, o, &p);
	htmlf(o, "<div class=\"lantern-certificate\"><p class=\"govuk-caption-l\">Southend, Essex and Thurrock domestic abuse "
		 "training</p><h1 class=\"govuk-heading-xl\">Certificate of attendance</h1>"
		 "<p class=\"govuk-body-l\">This certifies that</p><p class=\"govuk-heading-l\">%h</p>"
		 "<p class=\"govuk-body-l\">attended the face-to-face course</p><p class=\"govuk-heading-m\">%h</p>"
		 "<p class=\"govuk-body\">on %h (%d hours %d minutes).</p>",
	      name, c ? c->title : "", date, (int)((ends - starts) / 3600), (int)((ends - starts) % 3600 / 60));
	qr_html(o, url, QR_QUARTILE, 160, "QR code to check this certificate");
	htmlf(o, "<p class=\"govuk-body-s\">Check this certificate at %h</p></div>"
		 "<p class=\"govuk-body lantern-no-print\">Print this page, or <a class=\"govuk-link\" "
		 "href=\"%h/certificate.pdf\">download it as a PDF</a>.</p>",
	      url, r->path);
	page_end(r, o, &p);
	return 200;
}

int certificates_verify_page(const struct req *r, struct resp *o)
{
	const char *code = req_param(r, 0);
	struct page p = {.title = "Check a certificate"};
	page_begin(r, o, &p);
	struct db_stmt *st = NULL;
	bool found = false;
	if (code && strlen(code) <= 64) {
		st = db_query(r->db, SQL_VERIFY, "s", code);
		/* A corrected record (no longer attended) no longer verifies. */
		found = db_next(st) && attendance_present(db_col_text(st, 3));
	}
	if (found) {
		const struct course *c = catalog_course(db_col_text(st, 1));
		char date[40];
		date_human(db_col_int64(st, 2), date, sizeof date);
		htmlf(o, "<div class=\"govuk-panel govuk-panel--confirmation\"><h1 class=\"govuk-panel__title\">"
			 "This certificate is genuine</h1></div>"
			 "<dl class=\"govuk-summary-list\"><div class=\"govuk-summary-list__row\">"
			 "<dt class=\"govuk-summary-list__key\">Name</dt><dd class=\"govuk-summary-list__value\">%h</dd></div>"
			 "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Course</dt>"
			 "<dd class=\"govuk-summary-list__value\">%h</dd></div>"
			 "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">Date</dt>"
			 "<dd class=\"govuk-summary-list__value\">%h</dd></div></dl>",
		      db_col_text(st, 0), c ? c->title : "", date);
	} else {
		html_lit(o, "<h1 class=\"govuk-heading-l\">We cannot find this certificate</h1><p class=\"govuk-body\">Check "
			    "the address was copied in full. A certificate can also stop being valid if the attendance "
			    "record was corrected.</p>");
	}
	if (st)
		db_done(st);
	page_end(r, o, &p);
	return found ? 200 : 404;
}

/* The certificate as a PDF: an SVG drawn here (text escaped, the QR code nested in it) and laid
 * out by the print module. */
int certificates_pdf(const struct req *r, struct resp *o)
{
	struct certificate c;
	const char *why;
	int rc = certificate_for(r, &c, &why);
	if (rc)
		return route_error(r, o, rc, why);
	char date[40];
	date_human(c.starts, date, sizeof date);
	struct buf svg = {0};
	buf_puts(&svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"842\" height=\"595\" viewBox=\"0 0 842 595\">"
		       "<rect x=\"12\" y=\"12\" width=\"818\" height=\"571\" fill=\"#ffffff\" stroke=\"#106165\" stroke-width=\"6\"/>"
		       "<g font-family=\"Arial, sans-serif\" fill=\"#0b0c0c\" text-anchor=\"middle\">"
		       "<text x=\"421\" y=\"80\" font-size=\"18\" fill=\"#505a5f\">Southend, Essex and Thurrock domestic abuse training</text>"
		       "<text x=\"421\" y=\"140\" font-size=\"40\" font-weight=\"bold\">Certificate of attendance</text>"
		       "<text x=\"421\" y=\"200\" font-size=\"18\">This certifies that</text>"
		       "<text x=\"421\" y=\"250\" font-size=\"32\" font-weight=\"bold\">");
	html_escape_into(&svg, c.name);
	buf_puts(&svg, "</text><text x=\"421\" y=\"300\" font-size=\"18\">attended the face-to-face course</text>"
		       "<text x=\"421\" y=\"345\" font-size=\"24\" font-weight=\"bold\">");
	html_escape_into(&svg, c.course ? c.course->title : "");
	buf_puts(&svg, "</text><text x=\"421\" y=\"385\" font-size=\"18\">on ");
	html_escape_into(&svg, date);
	buf_puts(&svg, "</text><text x=\"421\" y=\"560\" font-size=\"11\" fill=\"#505a5f\">Check this certificate at ");
	html_escape_into(&svg, c.url);
	buf_puts(&svg, "</text></g><g transform=\"translate(361 410)\">");
	rc = qr_svg(&svg, c.url, QR_QUARTILE, 120, "QR code to check this certificate");
	buf_puts(&svg, "</g></svg>");
	struct buf pdf = {0};
	if (rc == 0)
		rc = print_pdf(svg.data, svg.len, PAPER_A4, &pdf);
	buf_free(&svg);
	if (rc != 0) {
		buf_free(&pdf);
		return route_error(r, o, 500, "The certificate could not be drawn; try again.");
	}
	resp_header(o, "Content-Disposition", "attachment; filename=\"certificate.pdf\"");
	rc = resp_text(o, 200, "application/pdf", pdf.data, pdf.len);
	buf_free(&pdf);
	return rc;
}
