/* account.h — a user's own account: password and API tokens. */
#ifndef LANTERN_ACCOUNT_H
#define LANTERN_ACCOUNT_H

#include "req.h"
#include "resp.h"

int account_page(const struct req *r, struct resp *o);
int account_password(const struct req *r, struct resp *o);
/* POST /api/v1/me/password {"current", "new_password", "revoke_tokens": bool}: ends every browser
 * session and, when asked, every API token (the one calling too). */
int account_api_password(const struct req *r, struct resp *o);
int account_token_create(const struct req *r, struct resp *o);
/* The confirmation before revoking one of your tokens (confirm.h); account_token_revoke acts. */
int account_token_revoke_page(const struct req *r, struct resp *o);
int account_token_revoke(const struct req *r, struct resp *o);

#endif
