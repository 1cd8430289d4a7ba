/* placements.h — where a campaign's materials went: recording a placement (web and API) with its
 * short code, and the material with that placement's QR code as SVG and as print-ready PDF. */
#ifndef LANTERN_PLACEMENTS_H
#define LANTERN_PLACEMENTS_H

#include <stdint.h>

#include "html.h"
#include "req.h"
#include "resp.h"

struct db;
struct arena;
struct campaign;

enum { PLACEMENT_CODE_LEN = 10 }; /* 50 random bits */

/* A placement's fields as text from a form or JSON (NULL: not given). */
struct placement_input {
	const char *material, *place, *area, *quantity, *placed_on, *language;
};

/* Validates and records a placement of one of c's materials; returns its id, or 0 with errors in fe
 * naming the field. */
int64_t placements_save(struct db *db, struct arena *a, int64_t actor, const struct campaign *c,
			const struct placement_input *in, struct form_errors *fe);

/* The placement's /c/{code} address, absolute (it is printed). */
const char *placements_url(const struct req *r, const char *code);
/* The widest /c/{code} address a placement can have at this site: what the print check fits into the
 * templates' address boxes. Allocates; the caller frees. */
char *placements_widest_url(void);
/* "23456789ab…" from what a person typed or a scanner read: lower case, o→0 and i/l→1; NULL when
 * it cannot be a code. */
const char *placements_normalise_code(struct arena *a, const char *code);

int placements_new_page(const struct req *r, struct resp *o);
int placements_create(const struct req *r, struct resp *o);
int placements_page(const struct req *r, struct resp *o);
int placements_svg(const struct req *r, struct resp *o);
int placements_pdf_a4(const struct req *r, struct resp *o);
int placements_pdf_a3(const struct req *r, struct resp *o);
int placements_api_create(const struct req *r, struct resp *o);

#endif
