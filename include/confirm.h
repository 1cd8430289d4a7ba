/* confirm.h — GOV.UK's check before an action that cannot be undone (cancelling a booking or a
 * session, closing a survey, voiding answers, revoking a token, changing the calendar address): a
 * page, reached by GET, that says what will happen and to whom, a red button that posts the action
 * (with its form token), and "No, go back" to the page that asked. Posting the action still acts at
 * once, as its API route does: the step is the page, not a rule. */
#ifndef LANTERN_CONFIRM_H
#define LANTERN_CONFIRM_H

#include <stddef.h>

#include "req.h"
#include "resp.h"

struct confirm {
	const char *title;       /* the question, as the page's title and heading: "Cancel this session?" */
	const char *caption;     /* what it is about, above the heading; NULL for none */
	const char *nav;         /* the active menu item, or NULL */
	const char *action;      /* where the red button posts */
	const char *button;      /* what it says: "Yes, cancel this session" */
	const char *back;        /* the page that asked: "Back" and "No, go back" */
	const char *warning;     /* warning text above the button ("This cannot be undone."), or NULL */
	const struct kv *fields; /* hidden fields the action needs (nfields of them) */
	size_t nfields;
};

/* The page up to its heading; the caller then says what will happen, and ends with confirm_end. */
void confirm_begin(const struct req *r, struct resp *o, const struct confirm *c);
/* The warning, the red button, "No, go back" and the end of the page; returns 200. */
int confirm_end(const struct req *r, struct resp *o, const struct confirm *c);

#endif
