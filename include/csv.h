/* csv.h — reading and writing CSV (RFC 4180 as spreadsheets really write it). Pure: no I/O, no
 * database; the reader works over a buffer already in memory.
 *
 * The reader skips a UTF-8 byte-order mark, accepts CRLF, LF or CR line ends, quoted fields with ""
 * escapes, commas and line breaks inside, and skips empty lines. A malformed record is reported
 * (CSV_BAD, with its line and why) and reading goes on at the next record, so a caller can list
 * every bad line at once. */
#ifndef LANTERN_CSV_H
#define LANTERN_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

enum { CSV_MAX_FIELDS = 64, CSV_MAX_FIELD = 4096 };

enum csv_status { CSV_ROW, CSV_END, CSV_BAD };

struct csv {
	const char *p, *end;
	int line;        /* the physical line the reader is on, from 1 */
	struct buf text; /* the current record's fields, each NUL-terminated */
	size_t start[CSV_MAX_FIELDS];
};

struct csv_row {
	int line;    /* the physical line the record starts on */
	int nfields;
	const char *field[CSV_MAX_FIELDS]; /* valid until the next csv_read */
	const char *error;                 /* CSV_BAD: what is wrong (a static string) */
};

/* Starts reading data[0..len); the data must outlive the reader. */
void csv_open(struct csv *c, const char *data, size_t len);
/* Reads the next record into row: CSV_ROW, CSV_BAD (row->line and row->error say where and why)
 * or CSV_END. */
enum csv_status csv_read(struct csv *c, struct csv_row *row);
/* Frees the reader's buffer; the data is the caller's. */
void csv_close(struct csv *c);

/* Appends one CRLF-terminated record, quoting fields that need it. A text cell starting with = + - @
 * or a tab gets a leading apostrophe, so a spreadsheet shows it rather than running it as a formula;
 * cells that are plain numbers (an optional minus, digits, at most one point) are left alone. */
void csv_write_row(struct buf *out, const char *const *cells, int n);

#endif
