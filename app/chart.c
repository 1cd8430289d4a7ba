/* chart.c — bar charts as SVG: a fixed 600×240 view box that scales with its container, bars
 * from zero to the largest value, labels under each bar and the value above it. */
#include "chart.h"

#include <math.h>

#include "html.h"

enum { WIDTH = 600, HEIGHT = 240, TOP = 24, BOTTOM = 40, LEFT = 8, RIGHT = 8 };

/* The labels' font size and the least space between two, in view-box units (the stylesheet's
 * .lantern-chart__label). */
enum { LABEL_FONT = 14, LABEL_GAP = 6 };

double chart_text_width(const char *s)
{
	/* In ems, a little over DejaVu Sans's (the widest font a page may fall back to). */
	double em = 0;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if ((*c & 0xc0) == 0x80)
			continue; /* a UTF-8 continuation byte: its character is counted once */
		em += *c >= '0' && *c <= '9' ? 0.64 : *c >= 'A' && *c <= 'Z' ? 0.78 : *c >= 'a' && *c <= 'z' ? 0.62
		      : *c == ' ' ? 0.32 : *c < 0x80 ? 0.45 : 0.8;
	}
	return em * LABEL_FONT;
}

int chart_label_every(int n, double slot, double widest, int min_every)
{
	int every = min_every > 1 ? min_every : 1;
	if (n <= 1 || slot <= 0)
		return every;
	while (every < n && every * slot < widest + LABEL_GAP)
		every++;
	return every;
}

bool chart_labelled(int i, int n, int every)
{
	return every <= 1 || (n - 1 - i) % every == 0;
}

void chart_bars(struct resp *o, const char *id, const char *title, const struct chart_point *points, int n)
{
	double max = 0;
	for (int i = 0; i < n; i++)
		if (!points[i].missing && points[i].value > max)
			max = points[i].value;
	if (max <= 0)
		max = 1;
	htmlf(o, "<svg class=\"lantern-chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"%h-title\">"
		 "<title id=\"%h-title\">%h</title>",
	      WIDTH, HEIGHT, id, id, title);
	int plot_h = HEIGHT - TOP - BOTTOM;
	double slot = (double)(WIDTH - LEFT - RIGHT) / (n > 0 ? n : 1);
	htmlf(o, "<line class=\"lantern-chart__axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", LEFT, TOP + plot_h,
	      WIDTH - RIGHT, TOP + plot_h);
	double widest = 0;
	for (int i = 0; i < n; i++)
		widest = fmax(widest, chart_text_width(points[i].label));
	int every = chart_label_every(n, slot, widest, 1);
	for (int i = 0; i < n; i++) {
		int x = LEFT + (int)(slot * i + slot * 0.15), w = (int)(slot * 0.7), cx = LEFT + (int)(slot * i + slot / 2);
		if (points[i].missing) {
			htmlf(o, "<text class=\"lantern-chart__value lantern-chart__label--middle lantern-chart__label--muted\" "
				 "x=\"%d\" y=\"%d\" text-anchor=\"middle\">–</text>",
			      cx, TOP + plot_h - 6);
		} else {
			int h = (int)lround(plot_h * points[i].value / max);
			htmlf(o, "<rect class=\"lantern-chart__bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>"
				 "<text class=\"lantern-chart__value\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%h</text>",
			      x, TOP + plot_h - h, w, h, cx, TOP + plot_h - h - 6, points[i].text);
		}
		if (chart_labelled(i, n, every))
			htmlf(o, "<text class=\"lantern-chart__label\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%h</text>", cx,
			      HEIGHT - BOTTOM + 18, points[i].label);
	}
	html_lit(o, "</svg>");
}
