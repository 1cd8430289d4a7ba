/* password_pages.h — "Forgotten your password?" and the page a reset or invitation link opens. */
#ifndef LANTERN_PASSWORD_PAGES_H
#define LANTERN_PASSWORD_PAGES_H

#include "req.h"
#include "resp.h"

int password_forgotten_page(const struct req *r, struct resp *o);
int password_forgotten_post(const struct req *r, struct resp *o);
int password_set_page(const struct req *r, struct resp *o);
int password_set_post(const struct req *r, struct resp *o);

#endif
