/* schools_import.h — settings from a CSV file (spec §6), for `lantern schools import FILE.csv` and
 * the admin upload page. All or nothing: a file with any bad row is refused whole, every bad row
 * listed with its line and reason, and nothing is written; otherwise every row is inserted or
 * updated by URN in one transaction. */
#ifndef LANTERN_SCHOOLS_IMPORT_H
#define LANTERN_SCHOOLS_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "req.h"
#include "resp.h"
#include "util.h"

struct db;

#define SCHOOLS_CSV_HEADER "urn,name,phase,area,y7,y8,y9,y10,y11,y12,y13"

enum {
	SCHOOLS_IMPORT_MAX_BYTES = REQ_MAX_UPLOAD, /* the same limit for the command line and the page */
	SCHOOLS_IMPORT_MAX_LISTED = 1000,          /* bad rows listed one by one; the rest are counted */
};

struct schools_import {
	int rows;          /* settings in the file */
	int added, updated;
	int bad;           /* rows with problems (or 1 for a problem with the whole file) */
	struct buf report; /* "line N: reason\n" per bad row, at most SCHOOLS_IMPORT_MAX_LISTED lines */
};

/* Told how far the import has got: stage is "checking" (done/total in bytes) or "writing" (rows). */
typedef void (*schools_import_progress)(void *ctx, const char *stage, size_t done, size_t total);

/* Checks data (the whole file) and, if every row is good, writes it. Returns 0 when written, 1 when
 * refused (res->report says why), -1 when the database failed. actor: a user id, or 0 for the
 * command line. progress may be NULL. The caller frees res->report. */
int schools_import_run(struct db *db, int64_t actor, const char *data, size_t len, struct schools_import *res,
		       schools_import_progress progress, void *ctx);

/* `lantern --db PATH schools import FILE`: prints progress for large files, the problems (stderr)
 * or a summary (stdout). Returns the exit status. */
int schools_import_command(struct db *db, const char *path);

int schools_import_page(const struct req *r, struct resp *o);
int schools_import_post(const struct req *r, struct resp *o);
/* The template: a CSV of the header row and one example row (which the import refuses unchanged). */
int schools_import_template(const struct req *r, struct resp *o);

#endif
