/* print_text.c — the words of a print template's boxes, fitted with Pango. Each box's words are laid
 * out at the largest size, from the box's preferred size down to its smallest, at which every line fits
 * the box's width and all of them its height; lines break only where words may (Unicode line breaking),
 * never inside a phone number or the web address. Hinting is off, so a layout measures the same on the
 * PDF, the SVG and at every scale: what the check passed is what prints. */
#include "print_text.h"

#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

/* Each try is this much smaller than the one before, down to the box's smallest size. */
#define SHRINK 0.97
/* Layout units per template unit: the whole template spans about this many, so type is never laid
 * out at a fraction of a unit, where a font engine could round. */
#define SPAN 1000.0

enum { MAX_KEEP = 8 };

/* A byte range that must stay on one line, and the service whose phone number it is (NULL: not a
 * service's). */
struct keep {
	int start, end;
	const struct service *service;
};

/* One paragraph of a box: a block of its words (NULL for the address), its text, and where the
 * service's parts start. */
struct para {
	const struct print_block *block;
	PangoLayout *layout;
	char *text;
	struct keep keep[MAX_KEEP];
	int nkeep;
	int name_end, phone_start, phone_end; /* a service's name, then its phone number */
	int bullet_end;                       /* an item's bullet */
	double top;                           /* in the box, layout units */
};

struct fitted {
	const struct print_box *box;
	struct para *paras;
	int n;
	bool ok;
};

struct print_text {
	PangoContext *ctx;
	double k; /* layout units per template unit */
	struct fitted *boxes;
	int nboxes;
};

static PangoContext *context_new(void)
{
	PangoContext *ctx = pango_font_map_create_context(pango_cairo_font_map_get_default());
	cairo_font_options_t *o = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(o, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(o, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(ctx, o);
	cairo_font_options_destroy(o);
	pango_context_set_round_glyph_positions(ctx, FALSE);
	return ctx;
}

static void add_keep(struct para *p, int start, int end, const struct service *s)
{
	if (p->nkeep < MAX_KEEP)
		p->keep[p->nkeep++] = (struct keep){start, end, s};
}

/* Phone numbers written into plain words ("Respect Phoneline 0808 8024 040"): runs of two or more
 * groups of 2 to 5 digits separated by single spaces, kept whole like a service's. */
static void keep_phones(struct para *p, int from)
{
	const char *t = p->text;
	for (int i = from; t[i];) {
		int start = i, groups = 0, end = i;
		for (int k = i;;) {
			int digits = 0;
			while (t[k] >= '0' && t[k] <= '9')
				k++, digits++;
			if (digits < 2 || digits > 5)
				break;
			groups++;
			end = k;
			if (t[k] != ' ' || t[k + 1] < '0' || t[k + 1] > '9')
				break;
			k++;
		}
		bool starts_word = start == 0 || t[start - 1] == ' ';
		if (groups >= 2 && starts_word)
			add_keep(p, start, end, NULL);
		i = groups ? end : start + 1;
		while (groups && t[i] >= '0' && t[i] <= '9')
			i++;
	}
}

/* The text of one paragraph, and what in it is kept whole. */
static void para_compose(struct para *p, const struct print_box *box, const struct print_block *b, const char *address)
{
	struct buf t = {0};
	p->block = b;
	if (b == NULL) {
		buf_puts(&t, address);
		p->text = buf_take(&t);
		add_keep(p, 0, (int)strlen(p->text), NULL);
		return;
	}
	if (b->kind == PRINT_SERVICE) {
		const struct service *s = b->service;
		buf_puts(&t, s->name);
		p->name_end = (int)t.len;
		buf_puts(&t, box->inline_services ? ": " : "\n");
		p->phone_start = (int)t.len;
		buf_puts(&t, s->phone);
		p->phone_end = (int)t.len;
		buf_putc(&t, '\n');
		buf_puts(&t, s->hours);
		p->text = buf_take(&t);
		add_keep(p, p->phone_start, p->phone_end, s);
		return;
	}
	if (b->kind == PRINT_ITEM) {
		buf_puts(&t, "\u2022\u00a0"); /* a bullet and a no-break space: never a line of its own */
		p->bullet_end = (int)t.len;
	}
	buf_puts(&t, b->text);
	p->text = buf_take(&t);
	keep_phones(p, p->bullet_end);
}

static void attr_range(PangoAttrList *list, PangoAttribute *a, int start, int end)
{
	a->start_index = (guint)start;
	a->end_index = (guint)end;
	pango_attr_list_insert(list, a);
}

/* Lays p out at size (and phone, a service's phone number's size) in width, both in layout units. */
static void para_lay_out(struct para *p, const struct print_box *box, double size, double phone, int width)
{
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family_static(fd, PRINT_FONT);
	pango_font_description_set_weight(fd, box->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_layout_set_font_description(p->layout, fd);
	pango_font_description_free(fd);
	PangoAttrList *list = pango_attr_list_new();
	for (int i = 0; i < p->nkeep; i++)
		attr_range(list, pango_attr_allow_breaks_new(FALSE), p->keep[i].start, p->keep[i].end);
	if (p->block && p->block->kind == PRINT_SERVICE) {
		if (!box->inline_services)
			attr_range(list, pango_attr_weight_new(PANGO_WEIGHT_BOLD), 0, p->name_end);
		attr_range(list, pango_attr_weight_new(PANGO_WEIGHT_BOLD), p->phone_start, p->phone_end);
		attr_range(list, pango_attr_size_new_absolute((int)(phone * PANGO_SCALE)), p->phone_start, p->phone_end);
	}
	pango_layout_set_attributes(p->layout, list);
	pango_attr_list_unref(list);
	pango_layout_set_indent(p->layout, 0);
	pango_layout_set_width(p->layout, -1);
	if (p->bullet_end) {
		/* A hanging indent: an item's later lines start under its words, not under the bullet. */
		PangoRectangle pos;
		pango_layout_index_to_pos(p->layout, p->bullet_end, &pos);
		pango_layout_set_indent(p->layout, -pos.x);
	}
	pango_layout_set_width(p->layout, width);
}

/* Whether each line of p lies within width (after any indent or centring) and starts where a line may
 * break; if not, *keep is the kept range on the first line that does not (-1: none) and *line that
 * line's index. */
static bool para_fits(const struct para *p, int width, int *keep, int *line)
{
	int nattrs;
	const PangoLogAttr *attrs = pango_layout_get_log_attrs_readonly(p->layout, &nattrs);
	PangoLayoutIter *it = pango_layout_get_iter(p->layout);
	bool fits = true;
	for (int i = 0; fits; i++) {
		const PangoLayoutLine *ln = pango_layout_iter_get_line_readonly(it);
		PangoRectangle logical;
		pango_layout_iter_get_line_extents(it, NULL, &logical);
		int start = ln->start_index, end = ln->start_index + ln->length;
		long offset = g_utf8_pointer_to_offset(p->text, p->text + start);
		fits = logical.x >= 0 && logical.x + logical.width <= width &&
		       (i == 0 || offset >= nattrs || attrs[offset].is_line_break);
		for (int k = 0; fits && k < p->nkeep; k++) /* a kept range that starts on this line ends on it */
			fits = !(p->keep[k].start >= start && p->keep[k].start < end && p->keep[k].end > end);
		if (!fits) {
			*line = i;
			*keep = -1;
			for (int k = 0; k < p->nkeep; k++)
				if (p->keep[k].start < end && p->keep[k].end > start)
					*keep = k;
		}
		if (!pango_layout_iter_next_line(it))
			break;
	}
	pango_layout_iter_free(it);
	return fits;
}

/* Lays the box out at size s; true if it all fits, false with a description of the first misfit and
 * the paragraph it is in (*at; -1 when the paragraphs are too tall together). */
static bool box_try(struct print_text *pt, struct fitted *f, double s, char **why, int *at)
{
	const struct print_box *box = f->box;
	double k = pt->k, phone = s * box->phone_size / box->size;
	int width = (int)(box->width * k * PANGO_SCALE);
	double top = 0;
	for (int i = 0; i < f->n; i++) {
		struct para *p = &f->paras[i];
		para_lay_out(p, box, s * k, phone * k, width);
		int keep, line;
		*at = i;
		if (!para_fits(p, width, &keep, &line)) {
			if (keep >= 0 && p->keep[keep].service)
				*why = xasprintf("the service '%s' phone does not fit its box '%s'", p->keep[keep].service->name, box->id);
			else if (keep >= 0 && p->block == NULL)
				*why = xasprintf("the web address %s does not fit its box '%s'", p->text, box->id);
			else if (keep >= 0)
				*why = xasprintf("the phone number %.*s does not fit its box '%s'", p->keep[keep].end - p->keep[keep].start,
						 p->text + p->keep[keep].start, box->id);
			else {
				PangoLayoutLine *ln = pango_layout_get_line_readonly(p->layout, line);
				*why = xasprintf("\"%.*s\" does not fit the width of its box '%s'", ln->length, p->text + ln->start_index,
						 box->id);
			}
			return false;
		}
		if (i > 0)
			top += box->gap * s * k;
		p->top = top;
		PangoRectangle logical;
		pango_layout_get_extents(p->layout, NULL, &logical);
		top += logical.height / (double)PANGO_SCALE;
	}
	*at = -1;
	if (top > box->height * k * 1.0001) {
		*why = xasprintf("the words of box '%s' need %.1f of its height, which is %.1f", box->id, top / k, box->height);
		return false;
	}
	return true;
}

/* Fits one box: tries from its size down to its smallest; told to problem if even that fails. */
static void box_fit(struct print_text *pt, struct fitted *f, print_text_problem *problem, void *ctx)
{
	const struct print_box *box = f->box;
	for (double s = box->size;; s *= SHRINK) {
		bool last = s <= box->min_size;
		char *why = NULL;
		int at = -1;
		f->ok = box_try(pt, f, last ? box->min_size : s, &why, &at);
		if (f->ok || last) {
			if (!f->ok) /* the line of the paragraph at fault, else of the box's words */
				problem(ctx, at >= 0 && f->paras[at].block ? f->paras[at].block->line : box->line, why);
			free(why);
			return;
		}
		free(why);
	}
}

struct print_text *print_text_fit(const struct svg_template *t, const char *address, print_text_problem *problem,
				  void *ctx)
{
	struct print_text *pt = xcalloc(1, sizeof *pt);
	pt->ctx = context_new();
	pt->k = SPAN / (t->width > t->height ? t->width : t->height);
	pt->boxes = xcalloc((size_t)(t->nboxes ? t->nboxes : 1), sizeof *pt->boxes);
	pt->nboxes = t->nboxes;
	for (int i = 0; i < t->nboxes; i++) {
		struct fitted *f = &pt->boxes[i];
		f->box = &t->boxes[i];
		f->n = f->box->address ? 1 : f->box->nblocks;
		f->paras = xcalloc((size_t)(f->n ? f->n : 1), sizeof *f->paras);
		for (int k = 0; k < f->n; k++) {
			struct para *p = &f->paras[k];
			para_compose(p, f->box, f->box->address ? NULL : &f->box->blocks[k], address);
			p->layout = pango_layout_new(pt->ctx);
			pango_layout_set_text(p->layout, p->text, -1);
			pango_layout_set_wrap(p->layout, PANGO_WRAP_WORD);
			pango_layout_set_alignment(p->layout, f->box->centred ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
		}
		box_fit(pt, f, problem, ctx);
	}
	return pt;
}

void print_text_draw(const struct print_text *pt, cairo_t *cr)
{
	cairo_save(cr);
	cairo_scale(cr, 1 / pt->k, 1 / pt->k);
	for (int i = 0; i < pt->nboxes; i++) {
		const struct fitted *f = &pt->boxes[i];
		if (!f->ok)
			continue;
		cairo_set_source_rgb(cr, f->box->rgb[0], f->box->rgb[1], f->box->rgb[2]);
		for (int k = 0; k < f->n; k++) {
			cairo_move_to(cr, f->box->x * pt->k, f->box->y * pt->k + f->paras[k].top);
			pango_cairo_show_layout(cr, f->paras[k].layout);
		}
	}
	cairo_restore(cr);
}

void print_text_free(struct print_text *pt)
{
	if (pt == NULL)
		return;
	for (int i = 0; i < pt->nboxes; i++) {
		for (int k = 0; k < pt->boxes[i].n; k++) {
			if (pt->boxes[i].paras[k].layout)
				g_object_unref(pt->boxes[i].paras[k].layout);
			free(pt->boxes[i].paras[k].text);
		}
		free(pt->boxes[i].paras);
	}
	free(pt->boxes);
	g_object_unref(pt->ctx);
	free(pt);
}

const char *print_text_font_missing(void)
{
	PangoContext *ctx = context_new();
	const char *why = NULL;
	for (int bold = 0; bold < 2 && why == NULL; bold++) {
		PangoFontDescription *want = pango_font_description_new();
		pango_font_description_set_family_static(want, PRINT_FONT);
		pango_font_description_set_weight(want, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
		pango_font_description_set_absolute_size(want, 12 * PANGO_SCALE);
		PangoFont *font = pango_context_load_font(ctx, want);
		PangoFontDescription *got = font ? pango_font_describe(font) : NULL;
		const char *family = got ? pango_font_description_get_family(got) : NULL;
		/* fontconfig answers every request with some font: it must be this one, and a real bold. */
		if (family == NULL || g_ascii_strcasecmp(family, PRINT_FONT) != 0)
			why = "the print font " PRINT_FONT " is not installed (Debian: fonts-liberation2)";
		else if (bold && pango_font_description_get_weight(got) < PANGO_WEIGHT_BOLD)
			why = "the print font " PRINT_FONT " Bold is not installed (Debian: fonts-liberation2)";
		if (got)
			pango_font_description_free(got);
		if (font)
			g_object_unref(font);
		pango_font_description_free(want);
	}
	g_object_unref(ctx);
	return why;
}
