/* site.h — the one public address of this lantern (lantern serve --base-url), on which every absolute
 * link is built: e-mails, calendar entries and feeds, certificates and printed QR codes. It never
 * comes from a request: a Host header is the client's to choose. */
#ifndef LANTERN_SITE_H
#define LANTERN_SITE_H

/* Sets the address once, at start-up before any thread starts; 0, or -1 if it is not valid_base_url. */
int site_set_base_url(const char *url);
/* The address, like "https://lantern.example.org": what site_set_base_url set, or SITE_UNSET_BASE_URL
 * for the command line and tests that never set one. */
const char *site_base_url(void);

#define SITE_UNSET_BASE_URL "http://127.0.0.1"

#endif
