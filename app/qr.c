/* qr.c — encodes text with libqrencode and draws it as SVG: one path of merged horizontal runs,
 * crisp at any size, for screens (check-in, surveys) and print (certificates, posters). */
#include "qr.h"

#include <qrencode.h>
#include <string.h>

#include "html.h"
#include "resp.h"

enum { QUIET_ZONE = 4 };

/* Encodes text; NULL if it cannot be. */
static QRcode *encode(const char *text, enum qr_level level)
{
	static const QRecLevel levels[] = {QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_Q, QR_ECLEVEL_H};
	return QRcode_encodeString8bit(text, 0, levels[level]);
}

/* The rest of the <svg> element after its sizing attributes: label, background and modules. */
static void draw(struct buf *out, QRcode *qr, int n, const char *label)
{
	buf_puts(out, " shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"");
	html_escape_into(out, label ? label : "QR code");
	buf_printf(out, "\"><rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/><path fill=\"#000000\" d=\"", n, n);
	for (int y = 0; y < qr->width; y++) {
		const unsigned char *row = qr->data + y * qr->width;
		for (int x = 0; x < qr->width;) {
			if (!(row[x] & 1)) {
				x++;
				continue;
			}
			int start = x;
			while (x < qr->width && (row[x] & 1))
				x++;
			buf_printf(out, "M%d %dh%dv1h-%dz", start + QUIET_ZONE, y + QUIET_ZONE, x - start, x - start);
		}
	}
	buf_puts(out, "\"/></svg>");
}

int qr_svg(struct buf *out, const char *text, enum qr_level level, int size_px, const char *label)
{
	QRcode *qr = encode(text, level);
	if (qr == NULL)
		return -1;
	int n = qr->width + 2 * QUIET_ZONE;
	buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\"", n, n);
	if (size_px > 0)
		buf_printf(out, " width=\"%d\" height=\"%d\"", size_px, size_px);
	draw(out, qr, n, label);
	QRcode_free(qr);
	return 0;
}

int qr_svg_box(struct buf *out, const char *text, enum qr_level level, double x, double y, double size,
	       const char *label)
{
	QRcode *qr = encode(text, level);
	if (qr == NULL)
		return -1;
	int n = qr->width + 2 * QUIET_ZONE;
	buf_printf(out, "<svg viewBox=\"0 0 %d %d\" x=\"%.3f\" y=\"%.3f\" width=\"%.3f\" height=\"%.3f\"", n, n, x, y,
		   size, size);
	draw(out, qr, n, label);
	QRcode_free(qr);
	return 0;
}

int qr_html(struct resp *o, const char *text, enum qr_level level, int size_px, const char *label)
{
	int rc = qr_svg(&o->body, text, level, size_px, label);
	if (rc != 0) /* a page whose whole point is its code is not sent without it */
		resp_fail(o, "a QR code could not be encoded");
	return rc;
}
