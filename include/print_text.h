/* print_text.h — the words of a print template's boxes, fitted with Pango (the only user of Pango). */
#ifndef LANTERN_PRINT_TEXT_H
#define LANTERN_PRINT_TEXT_H

#include <cairo.h>

#include "catalog.h"

/* The one typeface of every print material: Liberation Sans (Debian's fonts-liberation2, SIL Open Font
 * Licence), with Arial's widths, so the templates keep the look they were drawn with. */
#define PRINT_FONT "Liberation Sans"

/* Told about words that cannot fit: the line in the campaign file (0: the material's own) and what. */
typedef void print_text_problem(void *ctx, int line, const char *what);

struct print_text;

/* Fits the words of every box of t (the address box holds address): each box at the largest size from
 * its size down to its min_size at which every line fits its width, breaking lines only between words
 * and never inside a phone number or the address, and all of its lines its height. A box that does not
 * fit even at min_size is told to problem and left empty. Measured without hinting, so the layout is
 * the same on any surface at any scale. Allocates; print_text_free frees. */
struct print_text *print_text_fit(const struct svg_template *t, const char *address, print_text_problem *problem,
				  void *ctx);
/* Draws the fitted words on cr, whose user space is the template's. */
void print_text_draw(const struct print_text *pt, cairo_t *cr);
void print_text_free(struct print_text *pt);

/* NULL if PRINT_FONT is installed in regular and bold, else why not (a static string). */
const char *print_text_font_missing(void);

#endif
