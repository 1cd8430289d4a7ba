/* ics.c — the only user of libical. Times go out in UTC, so every calendar places them right
 * whatever its own zone; UIDs are stable per session so updates and cancellations replace the entry. */
#include "ics.h"

#include <libical/ical.h>
#include <stdlib.h>
#include <string.h>

#include "sessions.h"
#include "site.h"
#include "util.h"

static icalproperty_method method_of(enum ics_method m)
{
	switch (m) {
	case ICS_REQUEST: return ICAL_METHOD_REQUEST;
	case ICS_CANCEL: return ICAL_METHOD_CANCEL;
	default: return ICAL_METHOD_PUBLISH;
	}
}

static icalcomponent *vevent(const struct ics_event *e)
{
	const struct session *s = e->session;
	icalcomponent *ev = icalcomponent_new_vevent();
	char uid[64];
	snprintf(uid, sizeof uid, "session-%lld@lantern.example", (long long)s->id);
	icalcomponent_add_property(ev, icalproperty_new_uid(uid));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(icaltime_from_timet_with_zone((time_t)now_utc(), 0,
											 icaltimezone_get_utc_timezone())));
	icalcomponent_add_property(ev, icalproperty_new_dtstart(icaltime_from_timet_with_zone(
					       (time_t)s->starts_at, 0, icaltimezone_get_utc_timezone())));
	icalcomponent_add_property(ev, icalproperty_new_dtend(icaltime_from_timet_with_zone(
					       (time_t)s->ends_at, 0, icaltimezone_get_utc_timezone())));
	icalcomponent_add_property(ev, icalproperty_new_summary(e->title));
	char *url = xasprintf("%s/sessions/%lld", site_base_url(), (long long)s->id);
	icalcomponent_add_property(ev, icalproperty_new_url(url));
	free(url);
	char *where = xasprintf("%s, %s, %s%s%s", s->venue_name, s->venue_address, s->venue_postcode,
				s->venue_room ? ", " : "", s->venue_room ? s->venue_room : "");
	for (char *p = where; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	icalcomponent_add_property(ev, icalproperty_new_location(where));
	free(where);
	icalcomponent_add_property(ev, icalproperty_new_status(e->cancelled	? ICAL_STATUS_CANCELLED
								: e->tentative ? ICAL_STATUS_TENTATIVE
									       : ICAL_STATUS_CONFIRMED));
	/* Updates must outrank what a calendar already holds: the stamp moves forward with time. */
	icalcomponent_add_property(ev, icalproperty_new_sequence((int)((now_utc() / 60) % 100000000)));
	return ev;
}

char *ics_calendar(enum ics_method method, const struct ics_event *events, int n)
{
	icalcomponent *cal = icalcomponent_new_vcalendar();
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_prodid("-//lantern//training sessions//EN"));
	icalcomponent_add_property(cal, icalproperty_new_method(method_of(method)));
	for (int i = 0; i < n; i++)
		icalcomponent_add_component(cal, vevent(&events[i]));
	char *text = icalcomponent_as_ical_string_r(cal);
	icalcomponent_free(cal);
	char *out = xstrdup(text ? text : "");
	free(text);
	return out;
}
