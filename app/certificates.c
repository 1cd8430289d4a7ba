/* certificates.c — the printable certificate of an attendance, carrying a QR code that links to
 * /verify/{code}: a public page that confirms the name, course and date for an unguessable code,
 * and nothing more. Certificates are issued by the server's duty once the session has ended
 * (certificate_issue.c) and can be withdrawn by an admin (certificate_withdraw.c); until then, and
 * after that, these pages say so instead. */
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

static const char SQL_CERTIFICATE[] =
	"SELECT b.user_id, b.status, u.name, s.course_id, s.starts_at, s.ends_at, b.minutes_attended, c.code,"
	" c.withdrawn_at FROM bookings b JOIN users u ON u.id = b.user_id JOIN sessions s ON s.id = b.session_id"
	" LEFT JOIN certificates c ON c.booking_id = b.id WHERE b.id = ?";
static const char SQL_VERIFY[] =
	"SELECT u.name, s.course_id, s.starts_at, b.status, s.ends_at, c.withdrawn_at FROM certificates c"
	" JOIN bookings b ON b.id = c.booking_id JOIN users u ON u.id = b.user_id JOIN sessions s ON s.id = b.session_id"
	" WHERE c.code = ?";

struct certificate {
	int64_t booking;
	const char *name, *code, *url;
	const struct course *course;
	int64_t starts, ends, minutes; /* minutes: attended, for someone who left early; else 0 */
	bool partial;
};

/* Why there is no certificate to show: an HTTP status, a heading and a sentence. */
struct refusal {
	const char *title, *why;
};

static int refuse(struct refusal *no, int status, const char *title, const char *why)
{
	no->title = title;
	no->why = why;
	return status;
}

/* The certificate of the booking in the path, as issued. Returns 0, or an HTTP status with *no:
 * someone else's is not found; none exists before the session has ended, for an absence, or before
 * the duty has issued it; a withdrawn one is gone. */
static int certificate_for(const struct req *r, struct certificate *c, struct refusal *no)
{
	const char *none = "There is no such certificate.";
	if (!valid_id(req_param(r, 0), &c->booking))
		return refuse(no, 404, "Page not found", none);
	struct db_stmt *st = db_query(r->db, SQL_CERTIFICATE, "I", c->booking);
	if (!db_next(st) || (r->user->role != ROLE_ADMIN && db_col_int64(st, 0) != r->user->id))
		return refuse(no, 404, "Page not found", none);
	const char *status = arena_strdup(r->arena, db_col_text(st, 1));
	c->name = arena_strdup(r->arena, db_col_text(st, 2));
	c->course = catalog_course(db_col_text(st, 3));
	c->starts = db_col_int64(st, 4);
	c->ends = db_col_int64(st, 5);
	c->minutes = db_col_int64(st, 6);
	c->partial = strcmp(status, "partial") == 0;
	c->code = arena_strdup(r->arena, db_col_text(st, 7));
	int64_t withdrawn = db_col_int64(st, 8);
	db_done(st);
	if (c->code && withdrawn) {
		char when[40];
		date_human(withdrawn, when, sizeof when);
		return refuse(no, 410, "This certificate was withdrawn",
			      arena_printf(r->arena, "It was withdrawn on %s and is no longer valid. If you think this is "
						     "wrong, contact the programme team.", when));
	}
	if (now_utc() < c->ends) {
		char when[80];
		time_human(c->ends, when, sizeof when);
		return refuse(no, 404, "No certificate yet",
			      arena_printf(r->arena, "Certificates are issued when the session has ended (%s), to "
						     "everyone the trainer marked as attending. We will e-mail you then.", when));
	}
	if (!attendance_present(status))
		return refuse(no, 409, "There is no certificate for this session",
			      "A certificate is issued once a trainer has marked you as attending.");
	if (c->code == NULL)
		return refuse(no, 404, "Your certificate is being prepared",
			      "It will be ready in a minute or two, and we will e-mail you when it is.");
	c->url = arena_printf(r->arena, "%s/verify/%s", site_base_url(), c->code);
	return 0;
}

/* "on 5 March 2026 (4 hours 30 minutes)": the session's length, or for someone who left early the
 * time they were there. */
static const char *attended_text(struct arena *a, const struct certificate *c)
{
	char date[40];
	date_human(c->starts, date, sizeof date);
	const char *length = duration_human(a, (int)((c->ends - c->starts) / 60));
	if (!c->partial)
		return arena_printf(a, "on %s (%s).", date, length);
	if (c->minutes <= 0)
		return arena_printf(a, "on %s, for part of the session.", date);
	return arena_printf(a, "on %s, for %s of its %s.", date, duration_human(a, (int)c->minutes), length);
}

int certificates_api(const struct req *r, struct resp *o)
{
	struct certificate c;
	struct refusal no;
	int rc = certificate_for(r, &c, &no);
	if (rc)
		return resp_error(o, rc, no.why, NULL);
	char date[32];
	time_iso_local(c.starts, date);
	date[10] = '\0';
	int64_t minutes = c.partial && c.minutes > 0 ? c.minutes : (c.ends - c.starts) / 60;
	return resp_json(o, 200, json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:b}", "code", c.code, "verify_url", c.url,
					   "name", c.name, "course", c.course ? c.course->id : "", "date", date,
					   "minutes", (json_int_t)minutes, "partial", c.partial));
}

int certificates_page(const struct req *r, struct resp *o)
{
	struct certificate c;
	struct refusal no;
	int rc = certificate_for(r, &c, &no);
	if (rc)
		return page_error(r, o, rc, no.title, no.why);
	struct page p = {.title = "Certificate of attendance", .wide = true, .back = "/training"};
	page_begin(r, o, &p);
	htmlf(o, "<div class=\"lantern-certificate\"><p class=\"govuk-caption-l\">Southend, Essex and Thurrock domestic abuse "
		 "training</p><h1 class=\"govuk-heading-xl\">Certificate of attendance</h1>"
		 "<p class=\"govuk-body-l\">This certifies that</p><p class=\"govuk-heading-l\">%h</p>"
		 "<p class=\"govuk-body-l\">attended the face-to-face course</p><p class=\"govuk-heading-m\">%h</p>"
		 "<p class=\"govuk-body\">%h</p>",
	      c.name, c.course ? c.course->title : "", attended_text(r->arena, &c));
	qr_html(o, c.url, QR_QUARTILE, 160, "QR code to check this certificate");
	htmlf(o, "<p class=\"govuk-body-s\">Check this certificate at %h</p></div>"
		 "<p class=\"govuk-body lantern-no-print\">Print this page, or <a class=\"govuk-link\" "
		 "href=\"%h/certificate.pdf\">download it as a PDF</a>.</p>",
	      c.url, r->path);
	if (r->user->role == ROLE_ADMIN)
		htmlf(o, "<p class=\"govuk-body lantern-no-print\"><a class=\"govuk-link\" href=\"/certificates/%D/withdraw\">"
			 "Withdraw this certificate</a></p>",
		      c.booking);
	page_end(r, o, &p);
	return 200;
}

int certificates_verify_page(const struct req *r, struct resp *o)
{
	const char *code = req_param(r, 0);
	struct page p = {.title = "Check a certificate"};
	page_begin(r, o, &p);
	struct db_stmt *st = NULL;
	int status = 404;
	if (code && strlen(code) <= 64) {
		st = db_query(r->db, SQL_VERIFY, "s", code);
		/* A corrected record (no longer attended) no longer verifies; nor does one before its end. */
		if (db_next(st) && db_col_int64(st, 4) <= now_utc())
			status = db_col_int64(st, 5) ? 410 : attendance_present(db_col_text(st, 3)) ? 200 : 404;
	}
	if (status == 404) {
		html_lit(o, "<h1 class=\"govuk-heading-l\">We cannot find this certificate</h1><p class=\"govuk-body\">Check "
			    "the address was copied in full. A certificate can also stop being valid if the attendance "
			    "record was corrected.</p>");
	} else {
		const struct course *c = catalog_course(db_col_text(st, 1));
		char date[40], withdrawn[40];
		date_human(db_col_int64(st, 2), date, sizeof date);
		if (status == 410) {
			date_human(db_col_int64(st, 5), withdrawn, sizeof withdrawn);
			htmlf(o, "<h1 class=\"govuk-heading-l\">This certificate was withdrawn</h1><p class=\"govuk-body\">"
				 "The programme team withdrew it on %h. It is no longer valid.</p>",
			      withdrawn);
		} else {
			html_lit(o, "<div class=\"govuk-panel govuk-panel--confirmation\"><h1 class=\"govuk-panel__title\">"
				    "This certificate is genuine</h1></div>");
		}
		html_lit(o, "<dl class=\"govuk-summary-list\">");
		html_summary_row(o, "Name", db_col_text(st, 0));
		html_summary_row(o, "Course", c ? c->title : "");
		html_summary_row(o, "Date", date);
		if (status == 410)
			html_summary_row(o, "Withdrawn", withdrawn);
		html_lit(o, "</dl>");
	}
	if (st)
		db_done(st);
	page_end(r, o, &p);
	return status;
}

/* The certificate's artwork: a border, and boxes whose words Pango fits (print_text.c), as on the
 * campaign materials: a long name or course title shrinks, then wraps, rather than run off the page.
 * Positions are in the artwork's units (842 by 595, A4 on its side); the QR code checks it. */
static int certificate_art(struct arena *a, const struct certificate *c, const char *attended, struct buf *pdf)
{
	static const double ink[3] = {0x0b / 255.0, 0x0c / 255.0, 0x0c / 255.0}, grey[3] = {0x50 / 255.0, 0x5a / 255.0, 0x5f / 255.0};
	const char *check = arena_printf(a, "Check this certificate at %s", c->url);
	const struct print_block words[] = {
		{PRINT_PARAGRAPH, "Southend, Essex and Thurrock domestic abuse training", NULL, 0},
		{PRINT_PARAGRAPH, "Certificate of attendance", NULL, 0},
		{PRINT_PARAGRAPH, "This certifies that", NULL, 0},
		{PRINT_PARAGRAPH, c->name, NULL, 0},
		{PRINT_PARAGRAPH, "attended the face-to-face course", NULL, 0},
		{PRINT_PARAGRAPH, c->course ? c->course->title : "", NULL, 0},
		{PRINT_PARAGRAPH, attended, NULL, 0},
		{PRINT_PARAGRAPH, check, NULL, 0},
	};
	/* top, height, size, smallest size, bold, grey */
	static const struct {
		double top, height, size, min_size;
		bool bold, grey;
	} at[] = {
		{62, 26, 18, 12, false, true}, {102, 48, 40, 28, true, false},  {184, 24, 18, 12, false, false},
		{216, 70, 32, 14, true, false}, {290, 24, 18, 12, false, false}, {318, 60, 24, 12, true, false},
		{380, 26, 18, 12, false, false}, {548, 18, 11, 7, false, true},
	};
	struct print_box boxes[sizeof at / sizeof at[0]];
	for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
		boxes[i] = (struct print_box){.id = "certificate", .x = 40, .y = at[i].top, .width = 762, .height = at[i].height,
					      .size = at[i].size, .min_size = at[i].min_size, .phone_size = at[i].size,
					      .bold = at[i].bold, .centred = true, .blocks = &words[i], .nblocks = 1};
		memcpy(boxes[i].rgb, at[i].grey ? grey : ink, sizeof boxes[i].rgb);
	}
	static char border[] = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"842\" height=\"595\" viewBox=\"0 0 842 595\">"
			       "<rect x=\"12\" y=\"12\" width=\"818\" height=\"571\" fill=\"#ffffff\" stroke=\"#106165\" "
			       "stroke-width=\"6\"/></svg>";
	struct material m = {.id = "certificate", .file = "certificate", .tpl = {.svg = border, .width = 842, .height = 595,
		.qr_x = 361, .qr_y = 410, .qr_size = 120, .boxes = boxes, .nboxes = (int)(sizeof boxes / sizeof boxes[0])}};
	return print_material_pdf(&m, c->url, PAPER_A4, pdf);
}

int certificates_pdf(const struct req *r, struct resp *o)
{
	struct certificate c;
	struct refusal no;
	int rc = certificate_for(r, &c, &no);
	if (rc)
		return page_error(r, o, rc, no.title, no.why);
	struct buf pdf = {0};
	rc = certificate_art(r->arena, &c, attended_text(r->arena, &c), &pdf);
	if (rc != 0) {
		buf_free(&pdf);
		return route_error(r, o, 500, "The certificate could not be drawn; try again.");
	}
	resp_header(o, "Content-Disposition", "attachment; filename=\"certificate.pdf\"");
	rc = resp_text(o, 200, "application/pdf", pdf.data, pdf.len);
	buf_free(&pdf);
	return rc;
}
