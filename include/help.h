/* help.h — the public side of campaigns: /help and /help/{campaign} landing pages (no cookies, Exit
 * this page, plain language, in the chosen language), the /c/{code} QR redirect that records a scan,
 * and the anonymous "Was this page helpful?" count. */
#ifndef LANTERN_HELP_H
#define LANTERN_HELP_H

#include "catalog.h"
#include "req.h"
#include "resp.h"

int help_page(const struct req *r, struct resp *o);
int help_campaign_page(const struct req *r, struct resp *o);
int help_scan(const struct req *r, struct resp *o);
int help_feedback(const struct req *r, struct resp *o);
/* What to do in an emergency and the services to call, with their numbers: for pages that must stand
 * on their own when the app cannot answer (error_pages.c). */
void help_contacts(struct resp *o, const struct help_page *h);

#endif
