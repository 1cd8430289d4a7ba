/* trainer_sessions_pages.h — "Your sessions" for trainers: the page, its panel on the home page, and
 * the API (GET /api/v1/me/sessions). */
#ifndef LANTERN_TRAINER_SESSIONS_PAGES_H
#define LANTERN_TRAINER_SESSIONS_PAGES_H

#include "req.h"
#include "resp.h"

/* The home page's first section for a trainer: today's sessions with a link to take attendance,
 * and how many past sessions wait for marks. */
void trainer_sessions_home(const struct req *r, struct resp *o);

int trainer_sessions_page(const struct req *r, struct resp *o);
int trainer_sessions_api(const struct req *r, struct resp *o);

#endif
