/* campaigns.h — the campaign pages for staff: the list, one campaign with its materials and
 * placements, and GET /api/v1/campaigns. Also the lookups the other campaign files share. */
#ifndef LANTERN_CAMPAIGNS_H
#define LANTERN_CAMPAIGNS_H

#include "catalog.h"
#include "req.h"
#include "resp.h"

/* The campaign named by the route's first {} part, or NULL. */
const struct campaign *campaigns_from_param(const struct req *r);
/* A 404 in the route's style (JSON under /api/) for an unknown campaign. */
int campaigns_not_found(const struct req *r, struct resp *o);
/* Human labels for catalogue values. */
const char *campaigns_audience_label(const char *audience);
const char *campaigns_kind_label(const char *kind);
/* The landing language's own name ("Polski"), or the code. */
const char *campaigns_language_name(const char *lang);
/* True when user may record placements, reach and pledges (campaign leads and admins). */
bool campaigns_can_edit(const struct req *r);

int campaigns_list_page(const struct req *r, struct resp *o);
int campaigns_page(const struct req *r, struct resp *o);
int campaigns_api_list(const struct req *r, struct resp *o);

#endif
