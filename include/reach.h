/* reach.h — how far a campaign reached in a period: QR scans over time (an SVG chart with its table),
 * by placement, material and district, materials distributed, districts covered and not, other reach
 * recorded by campaign leads (events, press, radio, social) with its source, and page feedback. */
#ifndef LANTERN_REACH_H
#define LANTERN_REACH_H

#include <stdint.h>

#include "html.h"
#include "req.h"
#include "resp.h"

struct db;
struct campaign;

/* Other reach as text from a form or JSON. */
struct reach_input {
	const char *kind, *happened_on, *area, *count, *source, *note;
};

/* Validates and records other reach for campaign c; its id, or 0 with errors in fe. */
int64_t reach_save(struct db *db, int64_t actor, const struct campaign *c, const struct reach_input *in,
		   struct form_errors *fe);

int reach_page(const struct req *r, struct resp *o);
int reach_add(const struct req *r, struct resp *o);
int reach_api(const struct req *r, struct resp *o);
int reach_api_add(const struct req *r, struct resp *o);

#endif
