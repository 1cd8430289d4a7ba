/* indicator_summary.c — figures and statuses as the Board reads them, and the summary table that
 * opens the dashboard. Every figure here is one indicator_compute() gives the sections below it too,
 * so the summary shows nothing the sections do not (a suppressed figure stays suppressed). */
#include "indicator_summary.h"

#include <string.h>

#include "disclosure.h"
#include "html.h"
#include "util.h"

/* A figure with its unit: rates carry "%", counts stand alone (the title says what they count). */
static const char *number_with_unit(struct arena *a, const struct indicator *ind, double value)
{
	char text[32];
	indicator_number_text(ind, value, text);
	return arena_printf(a, "%s%s", text, strcmp(ind->unit, "%") == 0 ? "%" : "");
}

static const char *missing_text(const struct indicator *ind, const struct indicator_value *v, bool brief)
{
	if (v->suppressed)
		return v->no_answers ? "No responses" : brief ? "Suppressed" : "Suppressed: " DISCLOSURE_SUPPRESSED_TEXT;
	return ind->kind == IND_EXTERNAL ? "Not yet provided" : "No records";
}

const char *indicator_value_text(struct arena *a, const struct indicator *ind, const struct indicator_value *v)
{
	return v->available && !v->suppressed ? number_with_unit(a, ind, v->value) : missing_text(ind, v, false);
}

const char *indicator_value_brief(struct arena *a, const struct indicator *ind, const struct indicator_value *v)
{
	return v->available && !v->suppressed ? number_with_unit(a, ind, v->value) : missing_text(ind, v, true);
}

const char *indicator_goal_text(struct arena *a, const struct indicator *ind, bool has_goal, double goal)
{
	return has_goal ? number_with_unit(a, ind, goal) : "Not set";
}

void indicator_rag_tag(struct resp *o, const struct indicator *ind, const struct indicator_value *v, bool has_target,
		       double target)
{
	switch (indicator_rag(ind, v, has_target, target)) {
	case RAG_GREEN:
		html_lit(o, "<strong class=\"govuk-tag govuk-tag--green lantern-rag\"><svg class=\"lantern-rag__shape\" "
			    "viewBox=\"0 0 12 12\" aria-hidden=\"true\" focusable=\"false\"><circle cx=\"6\" cy=\"6\" r=\"5.5\"/>"
			    "</svg>Met</strong>");
		break;
	case RAG_AMBER:
		html_lit(o, "<strong class=\"govuk-tag govuk-tag--orange lantern-rag\"><svg class=\"lantern-rag__shape\" "
			    "viewBox=\"0 0 12 12\" aria-hidden=\"true\" focusable=\"false\"><path d=\"M6 0.5 11.5 11.5H0.5Z\"/>"
			    "</svg>Nearly met</strong>");
		break;
	case RAG_RED:
		html_lit(o, "<strong class=\"govuk-tag govuk-tag--red lantern-rag\"><svg class=\"lantern-rag__shape\" "
			    "viewBox=\"0 0 12 12\" aria-hidden=\"true\" focusable=\"false\"><rect x=\"1\" y=\"1\" width=\"10\" "
			    "height=\"10\"/></svg>Not met</strong>");
		break;
	default:
		html_tag(o, has_target ? "No figure" : "No target", "grey");
	}
}

void indicator_summary(const struct req *r, struct resp *o, const struct indicator_ctx *period,
		       const struct indicator_ctx *prior)
{
	htmlf(o, "<table class=\"govuk-table lantern-summary\" id=\"summary\"><caption class=\"govuk-table__caption "
		 "govuk-table__caption--m\">Summary<span class=\"govuk-visually-hidden\">: every indicator for %h"
		 "</span></caption><thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">"
		 "<th scope=\"col\" class=\"govuk-table__header\">Indicator</th>"
		 "<th scope=\"col\" class=\"govuk-table__header govuk-table__header--numeric\">%h</th>",
	      period->period.name, period->period.name);
	if (prior)
		htmlf(o, "<th scope=\"col\" class=\"govuk-table__header govuk-table__header--numeric\">A year before"
			 "<span class=\"lantern-summary__period\"> (%h)</span></th>",
		      prior->period.name);
	html_lit(o, "<th scope=\"col\" class=\"govuk-table__header govuk-table__header--numeric\">Target</th>"
		    "<th scope=\"col\" class=\"govuk-table__header\">Status</th></tr></thead><tbody class=\"govuk-table__body\">");
	for (int i = 0; i < indicators_count; i++) {
		const struct indicator *ind = &indicators[i];
		struct indicator_value v, before;
		indicator_compute(ind, period, &v);
		bool has_baseline, has_target;
		double baseline = 0, target = 0;
		const char *baseline_period = NULL;
		indicator_targets(period, ind, &has_baseline, &baseline, &baseline_period, &has_target, &target);
		htmlf(o, "<tr class=\"govuk-table__row\" data-indicator=\"%h\"><th scope=\"row\" class=\"govuk-table__header\">"
			 "<a class=\"govuk-link\" href=\"#%h\">%h<span class=\"lantern-summary__title\"> %h</span></a></th>"
			 "<td class=\"govuk-table__cell govuk-table__cell--numeric\" data-label=\"%h\">%h</td>",
		      ind->id, ind->id, ind->id, ind->title, period->period.name, indicator_value_brief(r->arena, ind, &v));
		if (prior) {
			indicator_compute(ind, prior, &before);
			htmlf(o, "<td class=\"govuk-table__cell govuk-table__cell--numeric\" data-label=\"A year before\">%h</td>",
			      indicator_value_brief(r->arena, ind, &before));
		}
		htmlf(o, "<td class=\"govuk-table__cell govuk-table__cell--numeric\" data-label=\"Target\">%h</td>"
			 "<td class=\"govuk-table__cell\" data-label=\"Status\">",
		      indicator_goal_text(r->arena, ind, has_target, target));
		indicator_rag_tag(o, ind, &v, has_target, target);
		html_lit(o, "</td></tr>");
	}
	html_lit(o, "</tbody></table>");
}
