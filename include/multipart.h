/* multipart.h — multipart/form-data bodies (RFC 7578), as browsers send file uploads. Pure: the
 * parser only reads the body it is given; parts point into it rather than copy it. */
#ifndef LANTERN_MULTIPART_H
#define LANTERN_MULTIPART_H

#include <stddef.h>

#include "util.h"

enum {
	MULTIPART_MAX_PARTS = 32,
	MULTIPART_MAX_HEADER = 8 << 10, /* one part's header block */
	MULTIPART_MAX_BOUNDARY = 70,    /* RFC 2046 */
};

struct multipart_part {
	const char *name;         /* the form field's name (arena) */
	const char *filename;     /* NULL unless the part is a file */
	const char *content_type; /* NULL when the part does not say */
	const char *data;         /* points into the body; may hold any bytes, not NUL-terminated */
	size_t len;
};

/* The boundary parameter of a multipart/form-data Content-Type (quoted or not), in the arena;
 * NULL if the type is another, or the boundary is missing or malformed. */
const char *multipart_boundary(struct arena *a, const char *content_type);
/* Splits body into at most max parts. Returns how many, or -1 with *why saying what is malformed. */
int multipart_parse(struct arena *a, const char *boundary, const char *body, size_t len, struct multipart_part *parts,
		    int max, const char **why);

#endif
