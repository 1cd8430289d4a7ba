/* print.c — renders SVG artwork to PDF with librsvg and cairo, for campaign materials. Sizes are in
 * PDF points (1/72 inch); librsvg is told 72 dpi so an SVG's millimetres come out true to size. */
#include "print.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <librsvg/rsvg.h>
#include <math.h>

#define MM (72.0 / 25.4)

static const struct {
	double width, height;
} papers[PAPER__MAX] = {
	[PAPER_A4] = {210 * MM, 297 * MM},
	[PAPER_A3] = {297 * MM, 420 * MM},
};

enum { MARGIN_MM = 10, GAP_MM = 4 };

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int length)
{
	buf_append(closure, (const char *)data, length);
	return CAIRO_STATUS_SUCCESS;
}

/* The artwork's own size in points; false when it states none (then it is scaled to the page). */
static bool natural_size(RsvgHandle *h, double *w, double *ht)
{
	return rsvg_handle_get_intrinsic_size_in_pixels(h, w, ht) && *w > 0 && *ht > 0;
}

/* Draws the artwork into the rectangle (x, y, w, h); false on a rendering error. */
static bool draw(RsvgHandle *h, cairo_t *cr, double x, double y, double w, double ht)
{
	RsvgRectangle viewport = {x, y, w, ht};
	GError *err = NULL;
	bool ok = rsvg_handle_render_document(h, cr, &viewport, &err);
	if (!ok) {
		log_error("print: cannot draw the artwork: %s", err ? err->message : "?");
		g_error_free(err);
	}
	return ok;
}

static bool lay_out(RsvgHandle *h, cairo_t *cr, enum paper paper)
{
	double pw = papers[paper].width, ph = papers[paper].height;
	double aw = pw - 2 * MARGIN_MM * MM, ah = ph - 2 * MARGIN_MM * MM, gap = GAP_MM * MM;
	double w, ht;
	if (!natural_size(h, &w, &ht))
		w = aw, ht = ah;
	int cols = (int)floor((aw + gap) / (w + gap)), rows = (int)floor((ah + gap) / (ht + gap));
	if (cols * rows >= 2) {
		/* Cards: as many as fit, true to size, the block centred on the page. */
		double x0 = (pw - (cols * w + (cols - 1) * gap)) / 2, y0 = (ph - (rows * ht + (rows - 1) * gap)) / 2;
		for (int r = 0; r < rows; r++)
			for (int c = 0; c < cols; c++)
				if (!draw(h, cr, x0 + c * (w + gap), y0 + r * (ht + gap), w, ht))
					return false;
		return true;
	}
	double scale = fmin(aw / w, ah / ht);
	return draw(h, cr, (pw - w * scale) / 2, (ph - ht * scale) / 2, w * scale, ht * scale);
}

int print_pdf(const char *svg, size_t len, enum paper paper, struct buf *out)
{
	GError *err = NULL;
	RsvgHandle *h = rsvg_handle_new_from_data((const guint8 *)svg, len, &err);
	if (h == NULL) {
		log_error("print: cannot read the artwork: %s", err ? err->message : "?");
		g_error_free(err);
		return -1;
	}
	rsvg_handle_set_dpi(h, 72);
	cairo_surface_t *surface =
		cairo_pdf_surface_create_for_stream(to_buf, out, papers[paper].width, papers[paper].height);
	cairo_t *cr = cairo_create(surface);
	bool ok = lay_out(h, cr, paper);
	cairo_show_page(cr);
	cairo_destroy(cr);
	cairo_surface_finish(surface);
	ok = ok && cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS;
	cairo_surface_destroy(surface);
	g_object_unref(h);
	return ok ? 0 : -1;
}
