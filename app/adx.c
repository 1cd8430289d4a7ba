/* adx.c — writes ADX with libxml2's text writer, so every attribute is escaped and the document
 * is well-formed by construction. The only writer of XML. */
#include "adx.h"

#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util.h"

#define ADX_NS "urn:ihe:qrph:adx:2015"

static int write_group(xmlTextWriterPtr w, const struct adx_group *g)
{
	int rc = xmlTextWriterStartElement(w, BAD_CAST "group") < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "orgUnit", BAD_CAST g->org_unit) < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "period", BAD_CAST g->period) < 0;
	for (int i = 0; i < g->nvalues; i++) {
		/* xs:decimal: plain digits, no exponent, and exactly the value. */
		char number[DOUBLE_DECIMAL_MAX];
		double_decimal(g->values[i].value, number);
		rc |= xmlTextWriterStartElement(w, BAD_CAST "dataValue") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "dataElement", BAD_CAST g->values[i].element) < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "value", BAD_CAST number) < 0;
		/* The schema's one place for free text: attributes on a dataValue are disaggregations
		 * (ADX reads any other attribute as a category), so a comment attribute would be misread. */
		if (g->values[i].annotation)
			rc |= xmlTextWriterWriteElement(w, BAD_CAST "annotation", BAD_CAST g->values[i].annotation) < 0;
		rc |= xmlTextWriterEndElement(w) < 0;
	}
	rc |= xmlTextWriterEndElement(w) < 0;
	return rc ? -1 : 0;
}

char *adx_document(const struct adx_group *groups, int ngroups, int64_t exported)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
	char *out = NULL;
	if (w == NULL)
		goto done;
	char stamp[32];
	time_t t = (time_t)exported;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	xmlTextWriterSetIndent(w, 1);
	int rc = xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
	rc |= xmlTextWriterStartElementNS(w, NULL, BAD_CAST "adx", BAD_CAST ADX_NS) < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "exported", BAD_CAST stamp) < 0;
	for (int i = 0; i < ngroups && !rc; i++)
		if (groups[i].nvalues > 0)
			rc |= write_group(w, &groups[i]);
	rc |= xmlTextWriterEndDocument(w) < 0;
	xmlFreeTextWriter(w);
	w = NULL;
	if (!rc)
		out = xstrdup((const char *)xmlBufferContent(buf));
done:
	if (w)
		xmlFreeTextWriter(w);
	if (buf)
		xmlBufferFree(buf);
	return out;
}
