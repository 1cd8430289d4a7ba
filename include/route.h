/* route.h — the one route table: method, pattern, the roles allowed and the handler. */
#ifndef LANTERN_ROUTE_H
#define LANTERN_ROUTE_H

#include <stddef.h>

#include "req.h"
#include "resp.h"

/* A handler returns the HTTP status; the body is already in o. */
typedef int (*handler_fn)(const struct req *r, struct resp *o);

enum route_flag {
	ROUTE_UPLOAD = 1 << 0, /* accepts bodies up to REQ_MAX_UPLOAD */
	/* A public form that also takes a JSON body without a form token (the pupil survey): a browser
	 * cannot send application/json to another site without a CORS preflight, which lantern never
	 * grants, and a public route acts on behalf of nobody. */
	ROUTE_PUBLIC_JSON = 1 << 1,
	/* A handler that only reads, and reads much (indicators, lists): its queries run in one read
	 * transaction, so they see one state of the database and lock the WAL once (db_snapshot_begin). */
	ROUTE_SNAPSHOT = 1 << 2,
	/* A signed-out visitor reaches the handler instead of being sent to sign in: the handler sends
	 * them itself, with what it must remember (a QR scan's check-in promise). */
	ROUTE_SIGNED_OUT = 1 << 3,
};

struct route {
	enum method method;
	const char *pattern; /* "/api/v1/sessions/{}/bookings": {} matches one path segment */
	unsigned roles;      /* R_* mask; R_PUBLIC opens it to everyone, by explicit choice */
	unsigned flags;
	handler_fn handler;
};

/* Finds the route for method and path; NULL if none. *nparams gets the number of {} parts
 * (their values are filled in by route_handle, which has the request's arena). *path_exists tells
 * a 405 (the path is known for another method) from a 404. */
const struct route *route_match(enum method m, const char *path, const char *params[], int *nparams,
				bool *path_exists);
/* Largest body the route for this request accepts. */
size_t route_body_limit(const char *method, const char *path);
/* Parses, authenticates, authorises and runs the handler; returns the status. An answer the handler
 * could not build safely (resp_fail) becomes the house 500 page: a failure costs this request only. */
int route_handle(struct req *r, struct resp *o, const struct req_raw *raw);
/* The error answer for status in the route's style (JSON under /api/, a page elsewhere). */
int route_error(const struct req *r, struct resp *o, int status, const char *message);
/* The nearest page above the request's address (its path less one or more last parts) that the
 * person may open, for a way back; NULL if none. In the request's arena. */
const char *route_parent_page(const struct req *r);
/* The pattern for logs: never the concrete path, which may carry codes or tokens. */
const char *route_log_name(const struct req *r);
bool route_is_api(const char *path);
/* The route table as a JSON array of {"method", "pattern", "roles"}, roles by name or ["public"]:
 * what `lantern routes` prints, so a test can try every route with every role. Caller frees. */
char *route_table_json(void);

#endif
