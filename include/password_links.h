/* password_links.h — single-use links that let a person set their password without knowing the
 * old one: a forgotten password's reset (an hour) and an admin's invitation (7 days). The link's
 * token is random; the database keeps only its hash. */
#ifndef LANTERN_PASSWORD_LINKS_H
#define LANTERN_PASSWORD_LINKS_H

#include <stdbool.h>
#include <stdint.h>

struct db;

enum password_link_purpose { PASSWORD_LINK_RESET, PASSWORD_LINK_INVITE };
enum { PASSWORD_RESET_SECONDS = 3600, PASSWORD_INVITE_SECONDS = 7 * 24 * 3600,
       /* one reset e-mail per account in this long, so nobody can fill someone's inbox */
       PASSWORD_RESET_QUIET_SECONDS = 300 };

/* Makes a link for the user and queues its e-mail to email (call inside the caller's
 * transaction). Returns 0, 1 when a reset was asked for too recently (nothing sent) or -1. */
int password_link_send(struct db *db, int64_t user_id, const char *email, enum password_link_purpose purpose);

/* The user a link still works for (unused, unexpired, the account active), or 0; *purpose set. */
int64_t password_link_user(struct db *db, const char *token, enum password_link_purpose *purpose);

/* Uses the link up: true once, for a link that still works. Call inside the caller's transaction. */
bool password_link_spend(struct db *db, const char *token);

#endif
