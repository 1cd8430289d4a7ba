/* back.h — the way back to where a person was, for error pages and "No, go back" links. Only ever
 * a path on this site (valid_local_path), never an outside address. */
#ifndef LANTERN_BACK_H
#define LANTERN_BACK_H

#include "req.h"

/* The page this request shows, as a form on it should name it for coming back: for a GET, its path
 * and query (without the ?done= kind of announcement); for a form re-shown after a POST, the page
 * that form came from (its own "back" field). NULL if there is none. In the request's arena. */
const char *back_here(const struct req *r);
/* Where an error (of this status) answering this request should lead back to: the page the form was
 * sent from (its "back" field), else the Referer if it is a page of this site, else for a page that
 * refused its query (400) the same page without it, else the nearest page above this address the
 * person may open (route_parent_page). NULL if there is none. */
const char *back_from(const struct req *r, int status);

#endif
