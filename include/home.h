/* home.h — each role's home page, the health check and who-am-I. */
#ifndef LANTERN_HOME_H
#define LANTERN_HOME_H

#include "req.h"
#include "resp.h"

int home_page(const struct req *r, struct resp *o);
int home_healthz(const struct req *r, struct resp *o);
int home_api_me(const struct req *r, struct resp *o);
int home_api_areas(const struct req *r, struct resp *o);

#endif
