/* survey_token.h — the one-use answer token each view of a pupil's survey page carries (issue 13):
 * signed with the server's secret, bound to one run, expiring, and spent in the transaction that
 * records the answer, so a replayed or scripted POST does not count. Public pages set no cookies,
 * so the token travels in the form's hidden field, or in a JSON answer's "token". */
#ifndef LANTERN_SURVEY_TOKEN_H
#define LANTERN_SURVEY_TOKEN_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;

/* Long enough for a pupil who opens the page at the start of a long lesson; a page older than this
 * comes back with the answers kept and a fresh token. */
enum { SURVEY_TOKEN_SECONDS = 3 * 3600 };

/* What a valid token carries. */
struct survey_token {
	const char *nonce; /* 22 URL-safe characters, in the checker's arena */
	int64_t expires_at;
};

/* A fresh token for the run, issued at now; "ISSUED.NONCE.MAC", in a. */
const char *survey_token_issue(struct arena *a, int64_t run_id, int64_t now);

enum survey_token_check {
	SURVEY_TOKEN_OK,
	SURVEY_TOKEN_MISSING, /* none sent */
	SURVEY_TOKEN_BAD,     /* malformed, forged, for another run, or issued in the future */
	SURVEY_TOKEN_EXPIRED,
	SURVEY_TOKEN_SPENT, /* never from the check: what survey_token_spend finds for a used token */
};
/* Checks a token's form, signature, run and age at now; on OK fills *out (nonce in a). Reads no
 * database: whether it was already spent is survey_token_spend's question. */
enum survey_token_check survey_token_check(struct arena *a, const char *token, int64_t run_id, int64_t now,
					   struct survey_token *out);

/* Records the token as spent; call inside the transaction that records the answer. Returns 1 when
 * it was fresh, 0 when it had been spent already, -1 when the database failed. Spent tokens that
 * have expired are forgotten, since their signature check refuses them anyway. */
int survey_token_spend(struct db *db, const struct survey_token *t, int64_t now);

#endif
