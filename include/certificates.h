/* certificates.h — certificates of attendance: issued by the server's duty once a session has ended
 * (with the e-mail that asks for the evaluation), their public verification page, and withdrawal. */
#ifndef LANTERN_CERTIFICATES_H
#define LANTERN_CERTIFICATES_H

#include <stdint.h>

#include "req.h"
#include "resp.h"

struct db;
struct arena;

/* How many bookings one run of the duty looks at; the rest wait for the next run. */
enum { CERTIFICATES_BATCH = 100 };

/* Notes, inside the caller's transaction, that a booking just marked as there is to get its
 * certificate once its session has ended. 0 or -1. */
int certificates_due_add(struct db *db, int64_t booking_id);
/* The duty: for noted bookings whose session has ended and that are still marked attended, late or
 * partial, issues the certificate and queues its e-mail (certificate ready, evaluation please) in one
 * transaction; the others are dropped from the list without a word. Idempotent: at most one
 * certificate and one e-mail per booking, ever. Returns how many it issued. */
int certificates_issue_due(struct db *db, struct arena *a);

int certificates_page(const struct req *r, struct resp *o);
int certificates_verify_page(const struct req *r, struct resp *o);
int certificates_api(const struct req *r, struct resp *o);
int certificates_pdf(const struct req *r, struct resp *o);

/* An admin withdraws an issued certificate, with a reason (audited): its /verify page then says so. */
int certificates_withdraw_page(const struct req *r, struct resp *o);
int certificates_withdraw_post(const struct req *r, struct resp *o);
int certificates_api_withdraw(const struct req *r, struct resp *o);

#endif
