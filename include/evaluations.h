/* evaluations.h — the short evaluation attendees give after a session, and its results. */
#ifndef LANTERN_EVALUATIONS_H
#define LANTERN_EVALUATIONS_H

#include "req.h"
#include "resp.h"

int evaluations_form(const struct req *r, struct resp *o);
int evaluations_submit(const struct req *r, struct resp *o);
int evaluations_results_page(const struct req *r, struct resp *o);
int evaluations_api_submit(const struct req *r, struct resp *o);
int evaluations_api_results(const struct req *r, struct resp *o);

#endif
