/* certificates.h — certificates of attendance and their public verification page. */
#ifndef LANTERN_CERTIFICATES_H
#define LANTERN_CERTIFICATES_H

#include "req.h"
#include "resp.h"

int certificates_page(const struct req *r, struct resp *o);
int certificates_verify_page(const struct req *r, struct resp *o);
int certificates_api(const struct req *r, struct resp *o);
int certificates_pdf(const struct req *r, struct resp *o);

#endif
