/* period_select.h — a period chosen from a list (a GOV.UK select, grouped by kind), for the pages
 * that count over a period: the Board's dashboard and a campaign's reach. */
#ifndef LANTERN_PERIOD_SELECT_H
#define LANTERN_PERIOD_SELECT_H

#include "html.h"
#include "period.h"

struct period_select {
	const struct period *choices; /* newest first, one kind after another (indicator_periods.h) */
	int n;
	const char *chosen; /* the name asked for; one not among the choices leads them; NULL: none */
	const char *blank;  /* the first option's label, for no period (value ""), or NULL for none */
	const char *hint;
};

/* The field named "period", with the error fe holds for it. */
void period_select_html(struct resp *o, const struct period_select *ps, const struct form_errors *fe);

#endif
