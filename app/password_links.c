/* password_links.c — single-use links to set a password: made, e-mailed, checked and spent. */
#include "password_links.h"

#include <string.h>

#include "auth.h"
#include "db.h"
#include "outbox.h"
#include "site.h"
#include "util.h"

static const char *const purposes[] = {"reset", "invite"};

static const char SQL_NEW[] = "INSERT INTO password_links (token_hash, user_id, purpose, created_at, expires_at)"
			      " VALUES (?, ?, ?, ?, ?)";
static const char SQL_RECENT[] = "SELECT count(*) FROM password_links WHERE user_id = ? AND purpose = 'reset'"
				 " AND created_at > ?";
static const char SQL_FIND[] = "SELECT l.user_id, l.purpose FROM password_links l JOIN users u ON u.id = l.user_id"
			       " WHERE l.token_hash = ? AND l.used_at IS NULL AND l.expires_at > ? AND u.active = 1";
static const char SQL_SPEND[] = "UPDATE password_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL"
				" AND expires_at > ?";
static const char SQL_PURGE[] = "DELETE FROM password_links WHERE expires_at < ?";

int password_link_send(struct db *db, int64_t user_id, const char *email, enum password_link_purpose purpose)
{
	int64_t now = now_utc();
	bool invite = purpose == PASSWORD_LINK_INVITE;
	if (!invite && db_int(db, 0, SQL_RECENT, "II", user_id, now - PASSWORD_RESET_QUIET_SECONDS) > 0)
		return 1;
	struct arena *a = arena_new();
	const char *token = auth_random_token(a, 32);
	char digest[65];
	auth_token_digest(token, digest);
	db_exec(db, SQL_PURGE, "I", now - 24 * 3600);
	int rc = -1;
	if (db_exec(db, SQL_NEW, "sIsII", digest, user_id, purposes[purpose], now,
		    now + (invite ? PASSWORD_INVITE_SECONDS : PASSWORD_RESET_SECONDS)) == DB_OK) {
		const char *url = arena_printf(a, "%s/password/set/%s", site_base_url(), token);
		const char *body =
			invite ? arena_printf(a, "An account on lantern has been made for you.\n\nTo choose your password and "
						 "sign in, open this link within 7 days:\n\n%s\n\nThe link works once.",
					      url)
			       : arena_printf(a, "Someone asked to reset the password of your lantern account.\n\nTo choose "
						 "a new password, open this link within an hour:\n\n%s\n\nThe link works once. "
						 "If you did not ask, ignore this e-mail: your password has not changed.",
					      url);
		struct outbox_message m = {.to = email,
					   .subject = invite ? "Your lantern account: choose your password"
							     : "Reset your lantern password",
					   .body = body};
		rc = outbox_put(db, &m);
	}
	arena_free(a);
	return rc;
}

int64_t password_link_user(struct db *db, const char *token, enum password_link_purpose *purpose)
{
	if (token == NULL || strlen(token) < 16 || strlen(token) > 128)
		return 0;
	char digest[65];
	auth_token_digest(token, digest);
	struct db_stmt *st = db_query(db, SQL_FIND, "sI", digest, now_utc());
	int64_t user = 0;
	if (db_next(st)) {
		user = db_col_int64(st, 0);
		*purpose = strcmp(db_col_text(st, 1), "invite") == 0 ? PASSWORD_LINK_INVITE : PASSWORD_LINK_RESET;
	}
	db_done(st);
	return user;
}

bool password_link_spend(struct db *db, const char *token)
{
	char digest[65];
	auth_token_digest(token, digest);
	int64_t now = now_utc();
	return db_exec(db, SQL_SPEND, "IsI", now, digest, now) == DB_OK && db_changes(db) == 1;
}
