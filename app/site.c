/* site.c — the configured public address (site.h). Written once before the threads start, then only
 * read, so it needs no lock. */
#include "site.h"

#include "valid.h"

static const char *base_url = SITE_UNSET_BASE_URL;

int site_set_base_url(const char *url)
{
	if (!valid_base_url(url))
		return -1;
	base_url = url;
	return 0;
}

const char *site_base_url(void)
{
	return base_url;
}
