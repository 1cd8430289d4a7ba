/* qr.h — QR codes as SVG (the only user of libqrencode). */
#ifndef LANTERN_QR_H
#define LANTERN_QR_H

#include "util.h"

enum qr_level { QR_LOW, QR_MEDIUM, QR_QUARTILE, QR_HIGH };

/* Appends a standalone <svg> of text's QR code to out, with a 4-module quiet zone and a white
 * background; size_px sets width/height (0: scale with its container). label is the accessible
 * name (escaped here). Returns 0, or -1 if the text cannot be encoded. */
int qr_svg(struct buf *out, const char *text, enum qr_level level, int size_px, const char *label);
/* The same, as an <svg> nested in another SVG, filling the square at (x, y) of side size in the outer
 * document's user units (print templates). The quiet zone is inside the square. */
int qr_svg_box(struct buf *out, const char *text, enum qr_level level, double x, double y, double size,
	       const char *label);

struct resp;
/* The same, straight into a page's body (the SVG is our own markup; its label is escaped). A code
 * that cannot be encoded fails the response (resp_fail: a 500 for this request). */
int qr_html(struct resp *o, const char *text, enum qr_level level, int size_px, const char *label);

#endif
