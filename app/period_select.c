/* period_select.c — the period field of the pages that count over a period. */
#include "period_select.h"

#include <string.h>

/* "FY2026-27-Q3: October to December 2026": the period's name, as everywhere, and its months. */
static void option(struct resp *o, const struct period *p, const char *chosen)
{
	char months[64];
	period_months_human(p, months, sizeof months);
	htmlf(o, "<option value=\"%h\"%h>%h: %h</option>", p->name, chosen && strcmp(p->name, chosen) == 0 ? " selected" : "",
	      p->name, months);
}

void period_select_html(struct resp *o, const struct period_select *ps, const struct form_errors *fe)
{
	static const char *const groups[PERIOD__MAX] = {[PERIOD_FY_QUARTER] = "Quarters of financial years",
							[PERIOD_FY] = "Financial years",
							[PERIOD_AY] = "Academic years",
							[PERIOD_YEAR] = "Calendar years",
							[PERIOD_MONTH] = "Months"};
	bool listed = false;
	for (int i = 0; ps->chosen && i < ps->n; i++)
		listed |= strcmp(ps->choices[i].name, ps->chosen) == 0;
	const char *err = form_error_for(fe, "period");
	htmlf(o, "<div class=\"govuk-form-group%h\"><label class=\"govuk-label\" for=\"period\">Period</label>"
		 "<div id=\"period-hint\" class=\"govuk-hint\">%h</div>",
	      err ? " govuk-form-group--error" : "", ps->hint);
	if (err)
		htmlf(o, "<p id=\"period-error\" class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">Error:"
			 "</span> %h</p>",
		      err);
	htmlf(o, "<select class=\"govuk-select%h\" id=\"period\" name=\"period\" aria-describedby=\"period-hint%h\">",
	      err ? " govuk-select--error" : "", err ? " period-error" : "");
	if (ps->blank)
		htmlf(o, "<option value=\"\"%h>%h</option>", ps->chosen ? "" : " selected", ps->blank);
	struct period asked;
	if (ps->chosen && !listed && period_parse(ps->chosen, &asked)) {
		html_lit(o, "<optgroup label=\"Chosen\">");
		option(o, &asked, ps->chosen);
		html_lit(o, "</optgroup>");
	}
	for (int i = 0; i < ps->n; i++) {
		if (i == 0 || ps->choices[i].kind != ps->choices[i - 1].kind) {
			if (i)
				html_lit(o, "</optgroup>");
			htmlf(o, "<optgroup label=\"%h\">", groups[ps->choices[i].kind]);
		}
		option(o, &ps->choices[i], ps->chosen);
	}
	if (ps->n)
		html_lit(o, "</optgroup>");
	html_lit(o, "</select></div>");
}
