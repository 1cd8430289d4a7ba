/* schools_import.c — importing settings from CSV: the whole file is checked first (every bad row
 * reported with its line), then written in one transaction, so a refused file changes nothing.
 * Rows are checked by schools_check(), the same rules as the edit page. */
#include "schools_import.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "auth.h"
#include "csv.h"
#include "db.h"
#include "html.h"
#include "ref.h"
#include "schools.h"
#include "valid.h"

enum { COLUMNS = 4 + SCHOOL_YEARS, URN_SPACE = 1000000 };

static const char *const header[COLUMNS] = {"urn", "name", "phase", "area", "y7", "y8", "y9", "y10", "y11", "y12", "y13"};

/* The template's example row: refused if it comes back unchanged, so it is never imported by mistake. */
static const char *const template_example[COLUMNS] = {"999999", "Example Academy (replace this row)", "Secondary",
							"Southend-on-Sea", "180", "178", "175", "170", "168", "", ""};

/* Good rows, kept until the whole file has been checked. */
struct rows {
	struct setting_input *v;
	size_t n, cap;
};

/* A URN as a number, to index the seen-on-line table; -1 if it is not a URN. */
static int urn_index(const char *urn)
{
	long long n;
	return valid_urn(urn) && valid_int(urn, 0, URN_SPACE - 1, &n) ? (int)n : -1;
}

/* Adds one problem to the report, keeping the listing bounded. */
static void problem(struct schools_import *res, int line, const char *reason)
{
	if (res->bad++ < SCHOOLS_IMPORT_MAX_LISTED)
		buf_printf(&res->report, "line %d: %s\n", line, reason);
}

static bool all_blank(const struct csv_row *row)
{
	for (int i = 0; i < row->nfields; i++)
		if (row->field[i][strspn(row->field[i], " \t")] != '\0')
			return false;
	return true;
}

static bool header_ok(const struct csv_row *row)
{
	if (row->nfields != COLUMNS)
		return false;
	for (int i = 0; i < COLUMNS; i++)
		if (strcmp(row->field[i], header[i]) != 0)
			return false;
	return true;
}

/* Checks one data row; good rows are appended to rows. seen[urn] holds the line a URN was first on. */
static void check_row(struct db *db, struct arena *a, const struct csv_row *row, uint32_t *seen, struct rows *rows,
		      struct schools_import *res)
{
	if (row->nfields != COLUMNS) {
		problem(res, row->line,
			arena_printf(a, "it has %d field%s; every row needs %d (" SCHOOLS_CSV_HEADER ")", row->nfields,
				     row->nfields == 1 ? "" : "s", COLUMNS));
		return;
	}
	struct setting_input in = {.urn = row->field[0], .name = row->field[1], .phase = row->field[2], .area = row->field[3]};
	for (int i = 0; i < SCHOOL_YEARS; i++)
		in.roll[i] = row->field[4 + i];
	schools_trim(a, &in);
	/* The coded columns take the names the pages show as well as the codes. */
	const char *phase = schools_phase_by_name(in.phase), *area = ref_area_by_name(db, in.area);
	in.phase = phase ? phase : in.phase;
	in.area = area ? area : in.area;
	struct form_errors fe = {0};
	if (strcmp(in.urn, template_example[0]) == 0 && strcmp(in.name, template_example[1]) == 0)
		form_error(&fe, "urn", "this is the template's example row: replace it with your own settings");
	schools_check(db, a, &in, &fe);
	int index = urn_index(in.urn);
	if (index >= 0) {
		uint32_t *first = &seen[index];
		if (*first)
			form_error(&fe, "duplicate", arena_printf(a, "URN %s is also on line %u", in.urn, *first));
		else
			*first = (uint32_t)row->line;
	}
	if (fe.n == 0) {
		if (rows->n == rows->cap) {
			rows->cap = rows->cap ? rows->cap * 2 : 256;
			rows->v = xrealloc(rows->v, rows->cap * sizeof *rows->v);
		}
		rows->v[rows->n++] = in;
		res->rows++;
		return;
	}
	struct buf why = {0};
	for (int i = 0; i < fe.n; i++)
		buf_printf(&why, "%s%s", i ? "; " : "", fe.e[i].message);
	problem(res, row->line, why.data);
	buf_free(&why);
}

/* Every row goes in, or none: one transaction, one audit entry for the whole file. */
static int write_rows(struct db *db, int64_t actor, const struct setting_input *rows, struct schools_import *res,
		      schools_import_progress progress, void *ctx)
{
	if (db_begin(db) != DB_OK)
		return -1;
	int step = res->rows / 10 + 1, next = step;
	for (int i = 0; i < res->rows; i++) {
		bool added;
		if (schools_upsert(db, &rows[i], &added) != 0) {
			db_rollback(db);
			res->added = res->updated = 0;
			return -1;
		}
		if (added)
			res->added++;
		else
			res->updated++;
		if (progress && i + 1 >= next && i + 1 < res->rows) {
			progress(ctx, "writing", (size_t)i + 1, (size_t)res->rows);
			next += step;
		}
	}
	char summary[96];
	snprintf(summary, sizeof summary, "%d rows: %d added, %d updated", res->rows, res->added, res->updated);
	audit(db, actor, "setting", "*", "import", NULL, summary);
	if (db_commit(db) != DB_OK) {
		res->added = res->updated = 0;
		return -1;
	}
	if (progress)
		progress(ctx, "writing", (size_t)res->rows, (size_t)res->rows);
	return 0;
}

int schools_import_run(struct db *db, int64_t actor, const char *data, size_t len, struct schools_import *res,
		       schools_import_progress progress, void *ctx)
{
	memset(res, 0, sizeof *res);
	if (len > SCHOOLS_IMPORT_MAX_BYTES) {
		problem(res, 1, "the file is larger than 8 MB");
		return 1;
	}
	struct arena *a = arena_new();
	uint32_t *seen = xcalloc(URN_SPACE, sizeof *seen);
	struct rows rows = {0};
	struct csv c;
	struct csv_row row;
	csv_open(&c, data, len);
	enum csv_status st = csv_read(&c, &row);
	int rc = 1;
	if (st == CSV_END) {
		problem(res, 1, "the file is empty: it needs the header " SCHOOLS_CSV_HEADER " and a row per setting");
		goto out;
	}
	if (st == CSV_BAD || !header_ok(&row)) {
		problem(res, row.line, "the first line must be exactly the header " SCHOOLS_CSV_HEADER);
		goto out;
	}
	size_t step = len / 10 + 1, next = step;
	while ((st = csv_read(&c, &row)) != CSV_END) {
		if (st == CSV_BAD)
			problem(res, row.line, arena_printf(a, "the CSV is malformed: %s", row.error));
		else if (!all_blank(&row)) /* spreadsheets leave rows of empty cells at the end */
			check_row(db, a, &row, seen, &rows, res);
		size_t done = (size_t)(c.p - data);
		if (progress && done >= next) {
			progress(ctx, "checking", done, len);
			next += step;
		}
	}
	if (res->bad == 0 && res->rows == 0)
		problem(res, 1, "the file has a header but no settings");
	if (res->bad) {
		if (res->bad > SCHOOLS_IMPORT_MAX_LISTED)
			buf_printf(&res->report, "… and %d more rows with problems\n", res->bad - SCHOOLS_IMPORT_MAX_LISTED);
		goto out;
	}
	rc = write_rows(db, actor, rows.v, res, progress, ctx);
out:
	csv_close(&c);
	free(rows.v);
	free(seen);
	arena_free(a);
	return rc;
}

/* ---- the command line ---- */

static void print_progress(void *ctx, const char *stage, size_t done, size_t total)
{
	(void)ctx;
	bool tty = isatty(2);
	fprintf(stderr, "%sschools import: %s %3d%%%s", tty ? "\r" : "", stage, total ? (int)(done * 100 / total) : 100,
		tty ? "" : "\n");
	if (tty && done == total && strcmp(stage, "writing") == 0)
		fputc('\n', stderr);
}

/* Reads a whole file of at most max bytes; NULL with errno (EFBIG when too large) on failure. */
static char *read_file(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	char *data = xmalloc(max + 2);
	*len = fread(data, 1, max + 1, f);
	bool failed = ferror(f);
	fclose(f);
	if (failed || *len > max) {
		free(data);
		errno = failed ? EIO : EFBIG;
		return NULL;
	}
	data[*len] = '\0';
	return data;
}

int schools_import_command(struct db *db, const char *path)
{
	size_t len;
	char *data = read_file(path, SCHOOLS_IMPORT_MAX_BYTES, &len);
	if (data == NULL) {
		fprintf(stderr, "lantern: %s: %s\n", path, errno == EFBIG ? "larger than 8 MB" : strerror(errno));
		return 1;
	}
	struct schools_import res;
	/* Progress only where it helps: a file of more than about a thousand settings. */
	bool large = len > 64 * 1024;
	int rc = schools_import_run(db, 0, data, len, &res, large ? print_progress : NULL, NULL);
	free(data);
	if (rc == 0) {
		printf("imported %s: %d settings, %d added, %d updated\n", path, res.rows, res.added, res.updated);
	} else if (rc == 1) {
		for (char *line = res.report.data; line && *line;) {
			char *nl = strchr(line, '\n');
			fprintf(stderr, "lantern: %s %.*s\n", path, (int)(nl ? nl - line : (long)strlen(line)), line);
			line = nl ? nl + 1 : NULL;
		}
		fprintf(stderr, "lantern: %s was not imported: %d row%s with problems; nothing was changed\n", path, res.bad,
			res.bad == 1 ? "" : "s");
	} else {
		fprintf(stderr, "lantern: %s was not imported: the database failed; nothing was changed\n", path);
	}
	buf_free(&res.report);
	return rc == 0 ? 0 : 1;
}

/* ---- the upload page ---- */

static void upload_form(const struct req *r, struct resp *o, const struct form_errors *fe)
{
	const char *err = form_error_for(fe, "file");
	html_lit(o, "<form method=\"post\" action=\"/schools/import\" enctype=\"multipart/form-data\" novalidate>");
	html_csrf(r, o);
	htmlf(o, "<div class=\"govuk-form-group%h\"><label class=\"govuk-label govuk-label--s\" for=\"file\">"
		 "Upload a CSV file</label><div id=\"file-hint\" class=\"govuk-hint\">At most 8 MB, saved from a "
		 "spreadsheet as CSV (UTF-8)</div>",
	      err ? " govuk-form-group--error" : "");
	html_error_message(o, "file", err);
	htmlf(o, "<input class=\"govuk-file-upload%h\" id=\"file\" name=\"file\" type=\"file\" accept=\".csv,text/csv\" "
		 "aria-describedby=\"file-hint%h\"></div>",
	      err ? " govuk-file-upload--error" : "", err ? " file-error" : "");
	html_textarea(o, NULL, &(struct field){.name = "csv", .label = "Or paste the CSV here",
					      .hint = "Used only when no file is chosen"});
	html_button(o, "Check and import");
	html_form_end(o);
}

static void page_top(const struct req *r, struct resp *o, const struct page *p)
{
	page_begin(r, o, p);
	html_lit(o, "<h1 class=\"govuk-heading-l\">Import settings</h1>"
		    "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/schools/import/template.csv\" download>"
		    "Download the template (CSV)</a>: the header row and one example row to replace with your own.</p>"
		    "<p class=\"govuk-body\">The first line must be exactly:</p>"
		    "<p class=\"govuk-body\"><code class=\"lantern-break-anywhere\">" SCHOOLS_CSV_HEADER "</code></p>"
		    "<p class=\"govuk-body\">Then one row per school or college: its 6-digit URN, name, phase, area (a "
		    "district or unitary authority) and numbers on roll for Years 7 to 13, which may be blank. Write the "
		    "phase and the area as a code or as the name these pages show, in any case: "
		    "<a class=\"govuk-link\" href=\"#accepted\">the codes and names are listed below</a>. A setting "
		    "already here is updated by its URN.</p>"
		    "<p class=\"govuk-body\">If any row has a problem, nothing is imported and every problem is listed "
		    "with its line number (the header is line 1, as in a spreadsheet).</p>");
}

/* Every code and name the phase and area columns take, so nobody has to guess. */
static void accepted_values(const struct req *r, struct resp *o)
{
	static const char *const cols[] = {"Code", "Name"};
	html_lit(o, "<h2 class=\"govuk-heading-m\" id=\"accepted\">Codes and names you can use</h2>");
	html_table_begin(o, "Phase", cols, ARRAY_LEN(cols));
	for (size_t i = 0; i < schools_nphases; i++) {
		htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><code>%h</code></td>"
			 "<td class=\"govuk-table__cell\">%h",
		      schools_phases[i].value, schools_phases[i].label);
		const char *sep = " (or ";
		for (size_t k = 0; k < schools_nphase_aliases; k++)
			if (strcmp(schools_phase_aliases[k].value, schools_phases[i].value) == 0) {
				htmlf(o, "%h%h", sep, schools_phase_aliases[k].label);
				sep = ", ";
			}
		htmlf(o, "%h</td></tr>", strcmp(sep, ", ") == 0 ? ")" : "");
	}
	html_table_end(o);
	html_table_begin(o, "Area", cols, ARRAY_LEN(cols));
	const struct option *areas;
	size_t n = ref_area_options(r->db, r->arena, true, &areas);
	for (size_t i = 1; i < n; i++) /* the first option is "Choose" */
		htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><code>%h</code></td>"
			 "<td class=\"govuk-table__cell\">%h</td></tr>",
		      areas[i].value, ref_area_name(r->db, areas[i].value));
	html_table_end(o);
}

int schools_import_page(const struct req *r, struct resp *o)
{
	struct page p = {.title = "Import settings", .nav = "/schools", .back = "/schools"};
	page_top(r, o, &p);
	upload_form(r, o, NULL);
	accepted_values(r, o);
	page_end(r, o, &p);
	return 200;
}

int schools_import_template(const struct req *r, struct resp *o)
{
	struct buf b = {0};
	csv_write_row(&b, header, COLUMNS);
	csv_write_row(&b, template_example, COLUMNS);
	resp_header(o, "Content-Disposition", "attachment; filename=\"settings-template.csv\"");
	int rc = resp_text(o, 200, "text/csv; charset=utf-8", b.data, b.len);
	(void)r;
	buf_free(&b);
	return rc;
}

int schools_import_post(const struct req *r, struct resp *o)
{
	const struct multipart_part *file = req_file(r, "file");
	const char *data = file ? file->data : NULL;
	size_t len = file ? file->len : 0;
	if (len == 0 && req_form(r, "csv")) {
		data = req_form(r, "csv");
		len = strlen(data);
	}
	struct form_errors fe = {0};
	struct schools_import res = {0};
	int rc = 1;
	if (len == 0)
		form_error(&fe, "file", "Choose a CSV file, or paste its contents");
	else if ((rc = schools_import_run(r->db, r->user->id, data, len, &res, NULL, NULL)) == 1)
		form_error(&fe, "file",
			   arena_printf(r->arena, "The file was not imported: %d row%s ha%s problems. Nothing has been changed.",
					res.bad, res.bad == 1 ? "" : "s", res.bad == 1 ? "s" : "ve"));
	if (rc < 0) {
		buf_free(&res.report);
		return page_error(r, o, 500, "Sorry, there is a problem with the service",
				  "The settings were not imported. Nothing has been changed. Try again later.");
	}
	struct page p = {.title = "Import settings", .nav = "/schools", .back = "/schools", .errors = &fe};
	page_top(r, o, &p);
	if (rc == 0) {
		html_notice(o, "The settings have been imported",
			    arena_printf(r->arena, "%d settings: %d added, %d updated.", res.rows, res.added, res.updated));
		html_lit(o, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/schools\">See the settings</a></p>");
	} else if (res.report.len) {
		html_lit(o, "<h2 class=\"govuk-heading-m\">Problems to fix</h2><ul class=\"govuk-list govuk-list--bullet\">");
		for (char *line = res.report.data; line && *line;) {
			char *nl = strchr(line, '\n');
			if (nl)
				*nl = '\0';
			htmlf(o, "<li>%h</li>", line);
			line = nl ? nl + 1 : NULL;
		}
		html_lit(o, "</ul>");
	}
	upload_form(r, o, &fe);
	accepted_values(r, o);
	page_end(r, o, &p);
	buf_free(&res.report);
	return rc == 0 ? 200 : 422;
}
