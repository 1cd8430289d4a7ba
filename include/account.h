/* account.h — a user's own account: password and API tokens. */
#ifndef LANTERN_ACCOUNT_H
#define LANTERN_ACCOUNT_H

#include "req.h"
#include "resp.h"

int account_page(const struct req *r, struct resp *o);
int account_password(const struct req *r, struct resp *o);
int account_token_create(const struct req *r, struct resp *o);
int account_token_revoke(const struct req *r, struct resp *o);

#endif
