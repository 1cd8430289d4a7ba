/* pledges.h — the register of employers who signed the domestic abuse employer pledge (Outcome 5):
 * employer, sector, area, date signed and the contact's role (never a person's name). */
#ifndef LANTERN_PLEDGES_H
#define LANTERN_PLEDGES_H

#include <stdint.h>

#include "html.h"
#include "req.h"
#include "resp.h"

struct db;

struct pledge_input {
	const char *employer, *sector, *area, *signed_on, *contact_role, *campaign;
};

/* Validates and records a pledge; its id, or 0 with errors in fe naming the field. */
int64_t pledges_save(struct db *db, int64_t actor, const struct pledge_input *in, struct form_errors *fe);

int pledges_list_page(const struct req *r, struct resp *o);
int pledges_new_page(const struct req *r, struct resp *o);
int pledges_create(const struct req *r, struct resp *o);
int pledges_api_list(const struct req *r, struct resp *o);
int pledges_api_create(const struct req *r, struct resp *o);

#endif
