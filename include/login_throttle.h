/* login_throttle.h — slows password guessing without locking anyone out.
 *
 * Failures are counted per (account, client address) and per account. The numbers:
 *
 *   from one address, for one account: 3 wrong passwords in a row cost nothing (typing slips);
 *   after the 4th each further try must wait 2, 4, 8, 16, 32 then 64 seconds; the 10th failure
 *   closes that address for that account until 15 minutes after its first failure.
 *   So one address gets at most 10 guesses per account per 15 minutes.
 *
 *   for one account from every address: past 100 failures in an hour, an address its owner has
 *   not signed in from in the last 90 days may try only once every 10 seconds for the whole
 *   account (a spread-out attacker gets 360 guesses an hour); an address the owner has used
 *   keeps only its own limit, so the owner is never locked out by someone else's failures.
 *
 *   the owner is e-mailed when an account reaches 10 failures in an hour, at most once an hour.
 *
 * A throttled try is answered at once with how long to wait: nothing sleeps in a worker. Each try
 * is counted before its password is checked, so parallel requests cannot slip past the limit.
 * Neither the e-mail address tried nor the client's address is stored, only HMACs of them under
 * the server's secret; an e-mail address without an account is throttled like any other, so the
 * answers do not tell which addresses have accounts. */
#ifndef LANTERN_LOGIN_THROTTLE_H
#define LANTERN_LOGIN_THROTTLE_H

#include <stddef.h>
#include <stdint.h>

struct db;

enum {
	THROTTLE_FREE_FAILURES = 3,
	THROTTLE_ADDRESS_LIMIT = 10,
	THROTTLE_ADDRESS_WINDOW = 15 * 60,
	THROTTLE_ACCOUNT_CEILING = 100,
	THROTTLE_ACCOUNT_WINDOW = 3600,
	THROTTLE_ACCOUNT_SPACING = 10,
	THROTTLE_KNOWN_ADDRESS = 90 * 86400,
	THROTTLE_ALERT_AFTER = 10,
};

/* Keys of one sign-in attempt (HMACs, hex). */
struct login_throttle {
	char account[65];
	char client[65];
};

/* Before a password is checked: 0 when the try may go ahead (it is counted as a failure until
 * login_throttle_passed says otherwise), the seconds to wait when it may not, or -1 when the
 * database failed. client_addr is REMOTE_ADDR (IPv6 counts by its /64: one host holds a whole
 * /64); NULL or "" counts as one unknown address. */
int login_throttle_begin(struct db *db, struct login_throttle *t, const char *email, const char *client_addr);
/* The password was right: this address's failures are forgotten and the address is remembered as
 * one the owner uses. */
void login_throttle_passed(struct db *db, const struct login_throttle *t);
/* The password was wrong: e-mails the account's owner (if there is an account with this e-mail
 * address) once per account window after THROTTLE_ALERT_AFTER failures. */
void login_throttle_failed(struct db *db, const struct login_throttle *t, const char *email);

/* The key an address counts under: IPv4 as is (also when mapped into IPv6), IPv6 by its /64. Into
 * out (at least 64 bytes). */
void login_throttle_address(const char *addr, char *out, size_t size);

#endif
