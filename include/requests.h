/* requests.h — schools asking for a pupil session (course or module, year group, pupils expected,
 * preferred dates), and admins or trainers confirming one (which creates the session) or declining
 * it; the school is told either way. Web pages and the JSON API share one path for each step. */
#ifndef LANTERN_REQUESTS_H
#define LANTERN_REQUESTS_H

#include <stdint.h>

#include "html.h"
#include "req.h"
#include "resp.h"

struct db;
struct user;

/* What a school sends; NULL means not given. */
struct request_input {
	const char *course, *module, *year_group, *pupils_expected, *preferred_dates, *notes;
};

/* Validates and records a request from a school user for their school. Returns its id, or 0 with
 * the field at fault in fe. */
int64_t requests_save(struct db *db, const struct user *school_user, const struct request_input *in,
		      struct form_errors *fe);

int requests_list_page(const struct req *r, struct resp *o);
int requests_new_page(const struct req *r, struct resp *o);
int requests_create(const struct req *r, struct resp *o);
int requests_confirm_page(const struct req *r, struct resp *o);
int requests_confirm(const struct req *r, struct resp *o);
int requests_decline(const struct req *r, struct resp *o);

int requests_api_create(const struct req *r, struct resp *o);
int requests_api_list(const struct req *r, struct resp *o);
int requests_api_confirm(const struct req *r, struct resp *o);
int requests_api_decline(const struct req *r, struct resp *o);

#endif
