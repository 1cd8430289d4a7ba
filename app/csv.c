/* csv.c — a small CSV reader and writer. The reader follows the record grammar even past an error,
 * so one broken record never hides the records after it (see csv.h). */
#include "csv.h"

#include <string.h>

static const char BOM[] = "\xef\xbb\xbf";

void csv_open(struct csv *c, const char *data, size_t len)
{
	memset(c, 0, sizeof *c);
	c->p = data ? data : "";
	c->end = c->p + (data ? len : 0);
	c->line = 1;
	if (c->end - c->p >= 3 && memcmp(c->p, BOM, 3) == 0)
		c->p += 3;
}

void csv_close(struct csv *c)
{
	buf_free(&c->text);
}

/* Consumes one line end (CRLF, LF or CR) if the reader is at one; true if it was. */
static bool line_end(struct csv *c)
{
	if (c->p < c->end && *c->p == '\r') {
		c->p++;
		if (c->p < c->end && *c->p == '\n')
			c->p++;
	} else if (c->p < c->end && *c->p == '\n') {
		c->p++;
	} else {
		return false;
	}
	c->line++;
	return true;
}

/* The record being read: where its fields go, and the first thing wrong with it. */
struct record {
	struct csv *c;
	int nfields;
	size_t field_len;
	const char *error;
};

static void fault(struct record *r, const char *why)
{
	if (r->error == NULL)
		r->error = why;
}

static void put(struct record *r, char ch)
{
	if (ch == '\0')
		fault(r, "it contains a NUL byte");
	else if (++r->field_len > CSV_MAX_FIELD)
		fault(r, "a field is longer than 4096 characters");
	if (r->error == NULL)
		buf_putc(&r->c->text, ch);
}

static void field_begin(struct record *r)
{
	r->field_len = 0;
	if (r->nfields == CSV_MAX_FIELDS)
		fault(r, "it has more than 64 fields");
	if (r->error == NULL)
		r->c->start[r->nfields] = r->c->text.len;
}

static void field_end(struct record *r)
{
	if (r->error == NULL)
		buf_append(&r->c->text, "", 1); /* the NUL that ends the field */
	r->nfields++;
}

/* A quoted field, from its opening quote; false if the data ends before the closing quote. */
static bool quoted(struct record *r)
{
	struct csv *c = r->c;
	c->p++;
	for (;;) {
		if (c->p >= c->end)
			return false;
		char ch = *c->p;
		if (ch == '"') {
			if (c->p + 1 < c->end && c->p[1] == '"') {
				put(r, '"');
				c->p += 2;
				continue;
			}
			c->p++;
			return true;
		}
		if (ch == '\r' || ch == '\n') {
			/* A line break inside quotes is data; keep it as LF and count the line. */
			line_end(c);
			put(r, '\n');
			continue;
		}
		put(r, ch);
		c->p++;
	}
}

/* Unquoted text up to the next comma or line end. after_quote: text straight after a closing
 * quote, which is malformed but read on so the record ends where the grammar says. */
static void unquoted(struct record *r, bool after_quote)
{
	struct csv *c = r->c;
	if (after_quote && c->p < c->end && *c->p != ',' && *c->p != '\r' && *c->p != '\n')
		fault(r, "there is text after a closing quote");
	while (c->p < c->end && *c->p != ',' && *c->p != '\r' && *c->p != '\n') {
		if (*c->p == '"')
			fault(r, "a quote appears inside a field that does not start with one");
		put(r, *c->p++);
	}
}

enum csv_status csv_read(struct csv *c, struct csv_row *row)
{
	memset(row, 0, sizeof *row);
	while (line_end(c))
		; /* empty lines are not records */
	if (c->p >= c->end)
		return CSV_END;
	buf_reset(&c->text);
	struct record r = {.c = c};
	row->line = c->line;
	for (;;) {
		field_begin(&r);
		bool was_quoted = c->p < c->end && *c->p == '"';
		if (was_quoted && !quoted(&r)) {
			fault(&r, "a quoted field is not closed before the end of the file");
			break;
		}
		unquoted(&r, was_quoted);
		field_end(&r);
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		line_end(c);
		break;
	}
	if (r.error) {
		row->error = r.error;
		return CSV_BAD;
	}
	row->nfields = r.nfields;
	for (int i = 0; i < r.nfields; i++)
		row->field[i] = c->text.data + c->start[i];
	return CSV_ROW;
}

static bool plain_number(const char *s)
{
	const char *p = s + (*s == '-');
	bool digit = false, point = false;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digit = true;
		else if (*p == '.' && !point)
			point = true;
		else
			return false;
	}
	return digit;
}

void csv_write_row(struct buf *out, const char *const *cells, int n)
{
	for (int i = 0; i < n; i++) {
		const char *s = cells[i] ? cells[i] : "";
		if (i)
			buf_putc(out, ',');
		bool formula = strchr("=+-@\t", *s) && *s && !plain_number(s);
		bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
		if (quote)
			buf_putc(out, '"');
		if (formula)
			buf_putc(out, '\'');
		for (const char *p = s; *p; p++) {
			if (*p == '"')
				buf_putc(out, '"');
			buf_putc(out, *p);
		}
		if (quote)
			buf_putc(out, '"');
	}
	buf_puts(out, "\r\n");
}
