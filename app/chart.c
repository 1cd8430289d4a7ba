/* chart.c — bar charts as SVG: a fixed 600×240 view box that scales with its container, bars
 * from zero to the largest value, labels under each bar and the value above it. */
#include "chart.h"

#include <math.h>
#include <stdio.h>

#include "html.h"

enum { WIDTH = 600, HEIGHT = 240, TOP = 24, BOTTOM = 40, LEFT = 8, RIGHT = 8 };

static void number_text(char *out, size_t n, double v)
{
	if (v == floor(v))
		snprintf(out, n, "%.0f", v);
	else
		snprintf(out, n, "%.1f", v);
}

void chart_bars(struct resp *o, const char *id, const char *title, const struct chart_point *points, int n,
		const char *unit)
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
	for (int i = 0; i < n; i++) {
		int x = LEFT + (int)(slot * i + slot * 0.15), w = (int)(slot * 0.7), cx = LEFT + (int)(slot * i + slot / 2);
		char value[32];
		if (points[i].missing) {
			htmlf(o, "<text class=\"lantern-chart__value lantern-chart__label--middle lantern-chart__label--muted\" "
				 "x=\"%d\" y=\"%d\" text-anchor=\"middle\">–</text>",
			      cx, TOP + plot_h - 6);
		} else {
			int h = (int)lround(plot_h * points[i].value / max);
			number_text(value, sizeof value, points[i].value);
			htmlf(o, "<rect class=\"lantern-chart__bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>"
				 "<text class=\"lantern-chart__value\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%h%h</text>",
			      x, TOP + plot_h - h, w, h, cx, TOP + plot_h - h - 6, value, unit && unit[0] == '%' ? "%" : "");
		}
		htmlf(o, "<text class=\"lantern-chart__label\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%h</text>", cx,
		      HEIGHT - BOTTOM + 18, points[i].label);
	}
	html_lit(o, "</svg>");
}
