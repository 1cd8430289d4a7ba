/* print.c — print-ready PDF (and SVG) with librsvg and cairo: certificates from an SVG document, and
 * campaign materials drawn from their template's background, the placement's QR code in its square and
 * the words print_text.c fits into the boxes. Sizes are in PDF points (1/72 inch); librsvg is told
 * 72 dpi so an SVG's millimetres come out true to size. */
#include "print.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <librsvg/rsvg.h>
#include <math.h>
#include <string.h>

#include "print_text.h"
#include "qr.h"

#define MM (72.0 / 25.4)

static const struct {
	double width, height;
	const char *name;
} papers[PAPER__MAX] = {
	[PAPER_A4] = {210 * MM, 297 * MM, "A4"},
	[PAPER_A3] = {297 * MM, 420 * MM, "A3"},
};

enum { MARGIN_MM = 10, GAP_MM = 4 };

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int length)
{
	buf_append(closure, (const char *)data, length);
	return CAIRO_STATUS_SUCCESS;
}

static cairo_status_t to_nowhere(void *closure, const unsigned char *data, unsigned int length)
{
	(void)closure, (void)data, (void)length;
	return CAIRO_STATUS_SUCCESS;
}

static RsvgHandle *svg_open(const char *svg, size_t len)
{
	GError *err = NULL;
	RsvgHandle *h = rsvg_handle_new_from_data((const guint8 *)svg, len, &err);
	if (h == NULL) {
		log_error("print: cannot read the artwork: %s", err ? err->message : "?");
		g_error_free(err);
		return NULL;
	}
	rsvg_handle_set_dpi(h, 72);
	return h;
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

/* Where copies of the artwork go on a page, all the same size. */
struct spots {
	double x0, y0, w, h, gap;
	int cols, rows;
};

/* Artwork that fits on the page at least twice at its own size (cards) is repeated at that size, the
 * block centred, with gaps to cut along; anything larger is scaled to fit inside the margins. */
static struct spots page_spots(RsvgHandle *h, enum paper paper)
{
	double pw = papers[paper].width, ph = papers[paper].height;
	double aw = pw - 2 * MARGIN_MM * MM, ah = ph - 2 * MARGIN_MM * MM, gap = GAP_MM * MM;
	double w, ht;
	if (!natural_size(h, &w, &ht))
		w = aw, ht = ah;
	int cols = (int)floor((aw + gap) / (w + gap)), rows = (int)floor((ah + gap) / (ht + gap));
	if (cols * rows >= 2)
		return (struct spots){(pw - (cols * w + (cols - 1) * gap)) / 2, (ph - (rows * ht + (rows - 1) * gap)) / 2,
				      w, ht, gap, cols, rows};
	double scale = fmin(aw / w, ah / ht);
	return (struct spots){(pw - w * scale) / 2, (ph - ht * scale) / 2, w * scale, ht * scale, 0, 1, 1};
}

/* Finishes a one-page surface; false if anything failed on the way. */
static bool finish(cairo_surface_t *surface, cairo_t *cr, bool ok)
{
	cairo_show_page(cr);
	cairo_destroy(cr);
	cairo_surface_finish(surface);
	ok = ok && cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS;
	cairo_surface_destroy(surface);
	return ok;
}

/* ---- campaign materials ---- */

/* A material ready to draw: its background, its QR code and its fitted words. */
struct material_art {
	const struct svg_template *t;
	RsvgHandle *background, *qr;
	struct print_text *words;
};

static void art_free(struct material_art *a)
{
	if (a->background)
		g_object_unref(a->background);
	if (a->qr)
		g_object_unref(a->qr);
	print_text_free(a->words);
}

/* Where a problem with the material's words is told: as "file:line: material 'x' size A4: what". */
struct problems {
	const struct material *m;
	const char *size;
	struct buf *errors;
	int count;
};

static void on_problem(void *ctx, int line, const char *what)
{
	struct problems *p = ctx;
	if (p->errors)
		buf_printf(p->errors, "%s:%d: material '%s' size %s: %s\n", p->m->file, line ? line : p->m->line, p->m->id,
			   p->size, what);
	else
		log_error("print: material '%s' size %s: %s", p->m->id, p->size, what);
	p->count++;
}

/* Reads the background, encodes the QR code and fits the words; false if any of it fails. */
static bool art_open(struct material_art *a, const struct material *m, const char *address, struct problems *p)
{
	memset(a, 0, sizeof *a);
	a->t = &m->tpl;
	struct buf code = {0};
	/* Quartile: a quarter of the code can be scuffed or torn and it still reads. */
	bool ok = qr_svg(&code, address, QR_QUARTILE, 0, address) == 0;
	a->background = svg_open(m->tpl.svg, strlen(m->tpl.svg));
	a->qr = ok ? svg_open(code.data, code.len) : NULL;
	buf_free(&code);
	a->words = print_text_fit(&m->tpl, address, on_problem, p);
	return a->background && a->qr && p->count == 0;
}

/* Draws one copy of the material into the rectangle at (x, y) of width w (its height follows). */
static bool art_draw(const struct material_art *a, cairo_t *cr, double x, double y, double w)
{
	const struct svg_template *t = a->t;
	cairo_save(cr);
	cairo_translate(cr, x, y);
	cairo_scale(cr, w / t->width, w / t->width);
	bool ok = draw(a->background, cr, 0, 0, t->width, t->height) &&
		  draw(a->qr, cr, t->qr_x, t->qr_y, t->qr_size, t->qr_size);
	print_text_draw(a->words, cr);
	cairo_restore(cr);
	return ok;
}

/* The material on a page of paper, into surface (which this finishes). */
static bool material_page(const struct material_art *a, cairo_surface_t *surface, enum paper paper)
{
	cairo_t *cr = cairo_create(surface);
	struct spots s = page_spots(a->background, paper);
	/* The artwork keeps its viewBox's proportions within its spot, centred as librsvg would. */
	double w = fmin(s.w, s.h * a->t->width / a->t->height), h = w * a->t->height / a->t->width;
	bool ok = true;
	for (int r = 0; r < s.rows && ok; r++)
		for (int c = 0; c < s.cols && ok; c++)
			ok = art_draw(a, cr, s.x0 + c * (s.w + s.gap) + (s.w - w) / 2, s.y0 + r * (s.h + s.gap) + (s.h - h) / 2, w);
	return finish(surface, cr, ok);
}

int print_material_pdf(const struct material *m, const char *address, enum paper paper, struct buf *out)
{
	struct problems p = {m, papers[paper].name, NULL, 0};
	struct material_art a;
	bool ok = art_open(&a, m, address, &p) &&
		  material_page(&a, cairo_pdf_surface_create_for_stream(to_buf, out, papers[paper].width, papers[paper].height),
				paper);
	art_free(&a);
	return ok ? 0 : -1;
}

int print_material_svg(const struct material *m, const char *address, struct buf *out)
{
	struct problems p = {m, "SVG", NULL, 0};
	struct material_art a;
	bool ok = art_open(&a, m, address, &p);
	double w, h;
	if (ok && !natural_size(a.background, &w, &h))
		w = m->tpl.width, h = m->tpl.height;
	if (ok) {
		cairo_surface_t *surface = cairo_svg_surface_create_for_stream(to_buf, out, w, h);
		cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PT);
		cairo_t *cr = cairo_create(surface);
		ok = finish(surface, cr, art_draw(&a, cr, 0, 0, w));
	}
	art_free(&a);
	return ok ? 0 : -1;
}

int print_check(const struct catalog *cat, const char *address, struct buf *errors)
{
	const char *missing = print_text_font_missing();
	if (missing) {
		buf_printf(errors, "print: %s\n", missing);
		return 1;
	}
	int problems = 0;
	for (int c = 0; c < cat->ncampaigns; c++)
		for (int i = 0; i < cat->campaigns[c].nmaterials; i++)
			for (int paper = 0; paper < PAPER__MAX; paper++) {
				const struct material *m = &cat->campaigns[c].materials[i];
				struct problems p = {m, papers[paper].name, errors, 0};
				struct material_art a;
				/* Drawn as it would print, into nothing: the same code as a real request. */
				bool ok = art_open(&a, m, address, &p) &&
					  material_page(&a, cairo_pdf_surface_create_for_stream(to_nowhere, NULL, papers[paper].width,
												 papers[paper].height),
							(enum paper)paper);
				if (!ok && p.count == 0)
					on_problem(&p, 0, "it cannot be drawn");
				art_free(&a);
				problems += p.count;
			}
	return problems;
}
