/* users.h — accounts: the admin pages, the API and the command line share one validation path. */
#ifndef LANTERN_USERS_H
#define LANTERN_USERS_H

#include <stdbool.h>
#include <stdint.h>

#include "html.h"
#include "req.h"
#include "resp.h"

struct db;

/* What may be set on an account; NULL means "not given" (on update: leave unchanged). */
struct user_input {
	const char *email;
	const char *name;
	const char *role;
	const char *org;    /* organisation id, for practitioners (and optionally others) */
	const char *school; /* URN, for school users */
	const char *active; /* "1"/"0" or "true"/"false" */
	const char *password;
	bool no_password; /* a walk-in made at the door: an admin sets a password later */
	bool invite;      /* a new account without a password: e-mail the person a link to choose one */
};

/* Validates and writes an account (id 0 creates). Field errors go in fe; on success returns the
 * user id, otherwise 0. actor is recorded in the audit trail (0 for the command line). */
int64_t users_save(struct db *db, int64_t actor, int64_t id, const struct user_input *in, struct form_errors *fe);

int users_list_page(const struct req *r, struct resp *o);
int users_new_page(const struct req *r, struct resp *o);
int users_create(const struct req *r, struct resp *o);
int users_edit_page(const struct req *r, struct resp *o);
int users_update(const struct req *r, struct resp *o);
/* The confirmation before deactivating an account (confirm.h); users_deactivate acts. */
int users_deactivate_page(const struct req *r, struct resp *o);
int users_deactivate(const struct req *r, struct resp *o);
int users_api_list(const struct req *r, struct resp *o);
int users_api_create(const struct req *r, struct resp *o);
int users_api_update(const struct req *r, struct resp *o);

#endif
