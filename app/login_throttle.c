/* login_throttle.c — counting sign-in failures per (account, address) and per account, and the
 * waits they earn (the numbers are in login_throttle.h). */
#include "login_throttle.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "db.h"
#include "outbox.h"
#include "site.h"
#include "util.h"

/* One row of login_throttle; client '' is the account's own row. */
struct counter {
	int64_t failures, window_start, last_attempt_at, last_ok_at;
	int alerted;
};

static const char SQL_PURGE[] = "DELETE FROM login_throttle WHERE last_attempt_at < ? AND last_ok_at < ?";
static const char SQL_GET[] = "SELECT failures, window_start, last_attempt_at, last_ok_at, alerted FROM login_throttle"
			      " WHERE account = ? AND client = ?";
static const char SQL_PUT[] = "INSERT INTO login_throttle (account, client, failures, window_start,"
			      " last_attempt_at, last_ok_at, alerted) VALUES (?, ?, ?, ?, ?, ?, ?)"
			      " ON CONFLICT (account, client) DO UPDATE SET failures = excluded.failures,"
			      " window_start = excluded.window_start, last_attempt_at = excluded.last_attempt_at,"
			      " last_ok_at = excluded.last_ok_at, alerted = excluded.alerted";
static const char SQL_PASSED_ADDRESS[] = "UPDATE login_throttle SET failures = 0, window_start = 0, last_ok_at = ?"
					 " WHERE account = ? AND client = ?";
static const char SQL_PASSED_ACCOUNT[] = "UPDATE login_throttle SET failures = max(failures - 1, 0)"
					 " WHERE account = ? AND client = ''";
static const char SQL_ALERT_CLAIM[] = "UPDATE login_throttle SET alerted = 1 WHERE account = ? AND client = ''"
				      " AND alerted = 0 AND failures >= ?";
static const char SQL_OWNER[] = "SELECT email, name FROM users WHERE email = ?";

void login_throttle_address(const char *addr, char *out, size_t size)
{
	unsigned char a6[16];
	struct in_addr a4;
	char text[INET6_ADDRSTRLEN];
	static const unsigned char v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (addr && inet_pton(AF_INET, addr, &a4) == 1) {
		inet_ntop(AF_INET, &a4, text, sizeof text);
	} else if (addr && inet_pton(AF_INET6, addr, a6) == 1) {
		if (memcmp(a6, v4_mapped, sizeof v4_mapped) == 0) {
			inet_ntop(AF_INET, a6 + 12, text, sizeof text);
		} else {
			memset(a6 + 8, 0, 8);
			inet_ntop(AF_INET6, a6, text, sizeof text);
			strncat(text, "/64", sizeof text - strlen(text) - 1);
		}
	} else {
		snprintf(text, sizeof text, "unknown");
	}
	snprintf(out, size, "%s", text);
}

static void keys(struct login_throttle *t, const char *email, const char *client_addr)
{
	char lower[320], where[64];
	size_t i = 0;
	for (; email && email[i] && i < sizeof lower - 1; i++)
		lower[i] = (char)tolower((unsigned char)email[i]);
	lower[i] = '\0';
	auth_hmac_hex("login-account", lower, t->account);
	login_throttle_address(client_addr, where, sizeof where);
	auth_hmac_hex("login-client", where, t->client);
}

static struct counter load(struct db *db, const char *account, const char *client)
{
	struct counter c = {0};
	struct db_stmt *st = db_query(db, SQL_GET, "ss", account, client);
	if (db_next(st))
		c = (struct counter){db_col_int64(st, 0), db_col_int64(st, 1), db_col_int64(st, 2), db_col_int64(st, 3),
				     db_col_int(st, 4)};
	db_done(st);
	return c;
}

static enum db_rc store(struct db *db, const char *account, const char *client, const struct counter *c)
{
	return db_exec(db, SQL_PUT, "ssIIIIi", account, client, c->failures, c->window_start, c->last_attempt_at,
		       c->last_ok_at, c->alerted);
}

/* A window that has run out starts again from nothing. */
static void expire(struct counter *c, int64_t window, int64_t now)
{
	if (c->window_start == 0 || now - c->window_start >= window) {
		c->failures = 0;
		c->window_start = 0;
		c->alerted = 0;
	}
}

static int64_t address_wait(const struct counter *c, int64_t now)
{
	if (c->failures >= THROTTLE_ADDRESS_LIMIT)
		return c->window_start + THROTTLE_ADDRESS_WINDOW - now;
	if (c->failures > THROTTLE_FREE_FAILURES)
		return c->last_attempt_at + ((int64_t)1 << (c->failures - THROTTLE_FREE_FAILURES)) - now;
	return 0;
}

static int64_t account_wait(const struct counter *account, const struct counter *address, int64_t now)
{
	bool known = address->last_ok_at > now - THROTTLE_KNOWN_ADDRESS;
	if (known || account->failures < THROTTLE_ACCOUNT_CEILING)
		return 0;
	return account->last_attempt_at + THROTTLE_ACCOUNT_SPACING - now;
}

/* Counts the try as a failure from now on (login_throttle_passed takes it back). */
static void count(struct counter *c, int64_t now)
{
	if (c->window_start == 0)
		c->window_start = now;
	c->failures++;
	c->last_attempt_at = now;
}

int login_throttle_begin(struct db *db, struct login_throttle *t, const char *email, const char *client_addr)
{
	keys(t, email, client_addr);
	int64_t now = now_utc();
	if (db_begin(db) != DB_OK)
		return -1;
	db_exec(db, SQL_PURGE, "II", now - THROTTLE_ACCOUNT_WINDOW, now - THROTTLE_KNOWN_ADDRESS);
	struct counter address = load(db, t->account, t->client), account = load(db, t->account, "");
	expire(&address, THROTTLE_ADDRESS_WINDOW, now);
	expire(&account, THROTTLE_ACCOUNT_WINDOW, now);
	int64_t wait = address_wait(&address, now), wait_account = account_wait(&account, &address, now);
	if (wait_account > wait)
		wait = wait_account;
	if (wait > 0) {
		db_rollback(db);
		return (int)wait;
	}
	count(&address, now);
	count(&account, now);
	if (store(db, t->account, t->client, &address) != DB_OK || store(db, t->account, "", &account) != DB_OK ||
	    db_commit(db) != DB_OK) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

void login_throttle_passed(struct db *db, const struct login_throttle *t)
{
	db_exec(db, SQL_PASSED_ADDRESS, "Iss", now_utc(), t->account, t->client);
	db_exec(db, SQL_PASSED_ACCOUNT, "s", t->account);
}

void login_throttle_failed(struct db *db, const struct login_throttle *t, const char *email)
{
	if (db_begin(db) != DB_OK)
		return;
	/* Claiming the alert and queueing it commit together: one message per window, whoever sees it first. */
	if (db_exec(db, SQL_ALERT_CLAIM, "si", t->account, (int)THROTTLE_ALERT_AFTER) != DB_OK || db_changes(db) != 1) {
		db_rollback(db);
		return;
	}
	struct db_stmt *st = db_query(db, SQL_OWNER, "s", email);
	if (db_next(st)) {
		char *body = xasprintf(
			"Hello %s,\n\n"
			"Someone has entered a wrong password for your lantern account %d times in the last hour.\n\n"
			"If that was you, there is nothing to do. If it was not, your password kept them out, and lantern "
			"is slowing down their tries. If your password is short, or you use it anywhere else, change it "
			"on your account page:\n\n%s/account\n\n"
			"You will get at most one of these messages an hour.\n",
			db_col_text(st, 1), (int)THROTTLE_ALERT_AFTER, site_base_url());
		struct outbox_message m = {.to = db_col_text(st, 0), .subject = "Failed sign-ins to your lantern account",
					   .body = body};
		outbox_put(db, &m);
		free(body);
	}
	db_done(st);
	db_commit(db);
}
