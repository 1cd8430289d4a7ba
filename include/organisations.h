/* organisations.h — the partner organisations practitioners belong to. */
#ifndef LANTERN_ORGANISATIONS_H
#define LANTERN_ORGANISATIONS_H

#include <stdint.h>

#include "html.h"
#include "req.h"
#include "resp.h"

struct db;

struct org_input {
	const char *name;
	const char *sector;
	const char *area;
	const char *active;
};

/* Validates and writes an organisation (id 0 creates); returns its id, or 0 with errors in fe. */
int64_t organisations_save(struct db *db, int64_t actor, int64_t id, const struct org_input *in,
			   struct form_errors *fe);

int organisations_list_page(const struct req *r, struct resp *o);
int organisations_new_page(const struct req *r, struct resp *o);
int organisations_create(const struct req *r, struct resp *o);
int organisations_edit_page(const struct req *r, struct resp *o);
int organisations_update(const struct req *r, struct resp *o);
int organisations_api_list(const struct req *r, struct resp *o);
int organisations_api_create(const struct req *r, struct resp *o);

#endif
