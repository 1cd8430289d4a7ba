/* venue_edit.h — the admin's venues: the list, and correcting a venue (its sessions to come follow,
 * and their people are told), on the web and through the API. */
#ifndef LANTERN_VENUE_EDIT_H
#define LANTERN_VENUE_EDIT_H

#include "req.h"
#include "resp.h"

int venues_admin_page(const struct req *r, struct resp *o);  /* GET /admin/venues */
int venues_edit_page(const struct req *r, struct resp *o);   /* GET /admin/venues/{id} */
int venues_update(const struct req *r, struct resp *o);      /* POST /admin/venues/{id} */
int venues_api_get(const struct req *r, struct resp *o);     /* GET /api/v1/venues/{id} */
int venues_api_update(const struct req *r, struct resp *o);  /* PUT /api/v1/venues/{id} */

#endif
