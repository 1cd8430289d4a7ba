/* checkin.h — rotating QR check-in: the trainer's screen shows a code whose token is an HMAC of
 * the session and the 30-second slot; the current and the previous slot are accepted. */
#ifndef LANTERN_CHECKIN_H
#define LANTERN_CHECKIN_H

#include <stdbool.h>
#include <stdint.h>

#include "req.h"
#include "resp.h"

/* A good scan by someone who must sign in first is kept for CHECKIN_PROMISE_SECONDS. */
enum { CHECKIN_SLOT_SECONDS = 30, CHECKIN_OPENS_BEFORE = 30 * 60, CHECKIN_PROMISE_SECONDS = 10 * 60 };

int64_t checkin_slot(int64_t now);
/* The token for a session and slot: 16 hex digits, into out[17]. */
void checkin_token(int64_t session_id, int64_t slot, char out[17]);
/* True for the token of the current or the previous slot; anything older is refused. */
bool checkin_token_valid(int64_t session_id, const char *token, int64_t now);

int checkin_screen_page(const struct req *r, struct resp *o);
int checkin_qr_fragment(const struct req *r, struct resp *o);
int checkin_scan_page(const struct req *r, struct resp *o);
int checkin_scan_post(const struct req *r, struct resp *o);
/* /checkin/{session}/scanned/{promise}: where a signed-out scan lands after the sign-in. */
int checkin_promise_page(const struct req *r, struct resp *o);
int checkin_promise_post(const struct req *r, struct resp *o);
/* The sign-in page's heading when next is a good check-in promise ("Sign in to check in to {course}
 * at {venue}"), else NULL. */
const char *checkin_sign_in_prompt(const struct req *r, const char *next);

#endif
