/* print.h — print-ready PDF from an SVG document (the only user of librsvg and cairo). */
#ifndef LANTERN_PRINT_H
#define LANTERN_PRINT_H

#include <stddef.h>

#include "util.h"

enum paper { PAPER_A4, PAPER_A3, PAPER__MAX };

/* Lays the SVG out on one portrait page of paper and appends the PDF to out. Artwork that fits on
 * the page at least twice at its own size (pocket cards) is repeated at that size with gaps to cut
 * along; anything larger is scaled to fit inside the margins. Returns 0, or -1 if the SVG cannot be
 * read or drawn. */
int print_pdf(const char *svg, size_t len, enum paper paper, struct buf *out);

#endif
