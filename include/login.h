/* login.h — signing in and out of the web pages. */
#ifndef LANTERN_LOGIN_H
#define LANTERN_LOGIN_H

#include "req.h"
#include "resp.h"

int login_form(const struct req *r, struct resp *o);
int login_submit(const struct req *r, struct resp *o);
int login_logout(const struct req *r, struct resp *o);

#endif
