/* confirm.c — the "are you sure?" page before an action that cannot be undone (confirm.h), in the
 * GOV.UK pattern: what will happen, a warning button, and a link back. */
#include "confirm.h"

#include "html.h"

void confirm_begin(const struct req *r, struct resp *o, const struct confirm *c)
{
	struct page p = {.title = c->title, .nav = c->nav, .back = c->back};
	page_begin(r, o, &p);
	if (c->caption)
		htmlf(o, "<span class=\"govuk-caption-l\">%h</span>", c->caption);
	htmlf(o, "<h1 class=\"govuk-heading-l\">%h</h1>", c->title);
}

int confirm_end(const struct req *r, struct resp *o, const struct confirm *c)
{
	if (c->warning)
		html_warning(o, c->warning);
	/* An error answering the button leads back to the page that asked, not to this one. */
	html_form_begin_back(r, o, c->action, c->back);
	for (size_t i = 0; i < c->nfields; i++)
		htmlf(o, "<input type=\"hidden\" name=\"%h\" value=\"%h\">", c->fields[i].key, c->fields[i].value);
	html_lit(o, "<div class=\"govuk-button-group\">");
	html_button_warning(o, c->button);
	htmlf(o, "<a class=\"govuk-link\" href=\"%h\">No, go back</a></div>", c->back);
	html_form_end(o);
	page_end(r, o, &(struct page){.title = c->title});
	return 200;
}
