/* venue_pages.h — the venue choice on the session forms (a venue used before, or a new one: GOV.UK
 * radios whose conditional parts all show without JavaScript) and the venues API. */
#ifndef LANTERN_VENUE_PAGES_H
#define LANTERN_VENUE_PAGES_H

#include <stdbool.h>

#include "html.h"
#include "req.h"
#include "resp.h"
#include "sessions.h"
#include "venues.h"

/* The venue part of a session form: fields venue ("saved" or "new"), venue_id, and the new venue's
 * venue_name, venue_address, venue_postcode, venue_access and (with_area) area. The room is the
 * session's own, not the venue's: the caller asks for it. */
void venue_choice_fields(const struct req *r, struct resp *o, const struct session_input *v,
			 const struct form_errors *fe, bool with_area);
/* A venue's details as form fields: prefix+"name", prefix+"address", prefix+"postcode" and
 * prefix+"access", and, given a hint, the select "area". */
void venue_fields(const struct req *r, struct resp *o, const char *prefix, const struct venue_input *v,
		  const struct form_errors *fe, const char *area_hint);
/* For an edit form: the stored session's venue as the choice shows it. A session whose own copy
 * still matches its kept venue shows that venue chosen; one whose details differ (a venue kept
 * from another session's text) shows them as typed, so saving changes nothing unasked. */
void venue_choice_from_session(const struct req *r, const struct session *s, struct session_input *v);

/* For a form that suggests a venue by its name (a school's request: in the school): that kept venue
 * chosen, or else a new venue of that name. */
void venue_choice_suggest(const struct req *r, const char *name, struct session_input *v);

/* GET /api/v1/venues: every kept venue, for choosing one by id in POST /api/v1/sessions. */
int venues_api_list(const struct req *r, struct resp *o);

#endif
