/* adx.h — ADX (IHE QRPH Aggregate Data Exchange) documents, the XML DHIS2 imports: one group per
 * organisation unit and period, a dataValue per data element. Written with libxml2. */
#ifndef LANTERN_ADX_H
#define LANTERN_ADX_H

#include <stdint.h>

struct adx_value {
	const char *element;    /* data element, e.g. "O5.1" */
	double value;
	const char *annotation; /* free text kept with the value (DHIS2's comment), or NULL */
};

struct adx_group {
	const char *org_unit; /* e.g. "southend" */
	const char *period;   /* ISO 8601 range, e.g. "2025-04-01/P3M" */
	const struct adx_value *values;
	int nvalues;
};

/* The whole document as malloc'd UTF-8 text (caller frees), or NULL on failure. Groups with no
 * values are left out, as ADX requires at least one dataValue per group. */
char *adx_document(const struct adx_group *groups, int ngroups, int64_t exported);

#endif
