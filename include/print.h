/* print.h — print-ready PDF from an SVG document, and campaign materials with their QR code and words
 * (the only user of librsvg; cairo is shared with print_text.c, which fits the words). */
#ifndef LANTERN_PRINT_H
#define LANTERN_PRINT_H

#include <stddef.h>

#include "catalog.h"
#include "util.h"

enum paper { PAPER_A4, PAPER_A3, PAPER__MAX };

/* A material as PDF on one portrait page of paper: its template's background, the QR code of address
 * in its square, and its words fitted to their boxes (print_text.h), address in the address box.
 * Artwork that fits on the page at least twice at its own size (pocket cards) is repeated at that size
 * with gaps to cut along; anything larger is scaled to fit inside the margins. Appends to out; 0, or
 * -1 (logged) if it cannot be drawn or its words do not fit. */
int print_material_pdf(const struct material *m, const char *address, enum paper paper, struct buf *out);
/* The same drawing of the material alone, at its own size, as SVG (the words as outlines, so it looks
 * the same wherever it is opened): the on-page preview, and the file for a designer. */
int print_material_svg(const struct material *m, const char *address, struct buf *out);
/* Draws every material of cat on every paper with address (the widest a placement can have), as a
 * request would, and appends each problem to errors: the print font missing, or words that do not
 * fit, as "file:line: material 'id' size A4: what". Returns the number of problems. */
int print_check(const struct catalog *cat, const char *address, struct buf *errors);

#endif
