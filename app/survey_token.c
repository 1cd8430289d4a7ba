/* survey_token.c — one-use answer tokens for the pupil survey (survey_token.h). A token is
 * "ISSUED.NONCE.MAC": the issue time, 16 random bytes, and an HMAC under the server's secret of those
 * and the run's id, so it cannot be made without the server, nor moved to another run, nor made to
 * live longer; the run is named by the address the answer goes to, so the token need not (and does
 * not) tell anyone its id. Spent nonces stay in survey_tokens_used until the token would expire. */
#include "survey_token.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "db.h"
#include "util.h"

enum { NONCE_BYTES = 16, NONCE_LEN = 22, MAC_LEN = 64, TOKEN_MAX = 128, CLOCK_SLACK = 60 };

static const char PURPOSE[] = "survey-answer";

static void sign(int64_t run_id, int64_t issued, const char *nonce, char mac[MAC_LEN + 1])
{
	char msg[80];
	snprintf(msg, sizeof msg, "%lld.%lld.%s", (long long)run_id, (long long)issued, nonce);
	auth_hmac_hex(PURPOSE, msg, mac);
}

const char *survey_token_issue(struct arena *a, int64_t run_id, int64_t now)
{
	const char *nonce = auth_random_token(a, NONCE_BYTES);
	char mac[MAC_LEN + 1];
	sign(run_id, now, nonce, mac);
	return arena_printf(a, "%lld.%s.%s", (long long)now, nonce, mac);
}

/* A non-negative decimal number filling [s, end), or -1. */
static int64_t number(const char *s, const char *end)
{
	if (end == s || end - s > 18)
		return -1;
	for (const char *p = s; p < end; p++)
		if (*p < '0' || *p > '9')
			return -1;
	errno = 0;
	long long v = strtoll(s, NULL, 10);
	return errno ? -1 : v;
}

static bool nonce_ok(const char *s, size_t len)
{
	if (len != NONCE_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", s[i]))
			return false;
	return true;
}

enum survey_token_check survey_token_check(struct arena *a, const char *token, int64_t run_id, int64_t now,
					   struct survey_token *out)
{
	if (token == NULL || *token == '\0')
		return SURVEY_TOKEN_MISSING;
	if (strlen(token) > TOKEN_MAX)
		return SURVEY_TOKEN_BAD;
	const char *d1 = strchr(token, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	if (d2 == NULL || strchr(d2 + 1, '.') != NULL)
		return SURVEY_TOKEN_BAD;
	int64_t issued = number(token, d1);
	if (issued < 0 || !nonce_ok(d1 + 1, (size_t)(d2 - d1 - 1)) || strlen(d2 + 1) != MAC_LEN)
		return SURVEY_TOKEN_BAD;
	char *nonce = arena_strndup(a, d1 + 1, NONCE_LEN), mac[MAC_LEN + 1];
	sign(run_id, issued, nonce, mac);
	/* The signature first: what a forged token says about its age means nothing. */
	if (!str_equal_ct(d2 + 1, mac) || issued > now + CLOCK_SLACK)
		return SURVEY_TOKEN_BAD;
	if (now - issued > SURVEY_TOKEN_SECONDS)
		return SURVEY_TOKEN_EXPIRED;
	*out = (struct survey_token){.nonce = nonce, .expires_at = issued + SURVEY_TOKEN_SECONDS};
	return SURVEY_TOKEN_OK;
}

static const char SQL_SPEND[] = "INSERT INTO survey_tokens_used (nonce, expires_at) VALUES (?, ?)";
static const char SQL_FORGET[] = "DELETE FROM survey_tokens_used WHERE expires_at < ?";

int survey_token_spend(struct db *db, const struct survey_token *t, int64_t now)
{
	if (db_exec(db, SQL_FORGET, "I", now - CLOCK_SLACK) != DB_OK)
		return -1;
	switch (db_exec(db, SQL_SPEND, "sI", t->nonce, t->expires_at)) {
	case DB_OK: return 1;
	case DB_CONSTRAINT: return 0;
	default: return -1;
	}
}
