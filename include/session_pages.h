/* session_pages.h — the course catalogue and face-to-face sessions as people see them: course
 * pages, the searchable session list, the session page, create/edit/cancel for admins and
 * trainers, and the matching JSON API. Booking itself is booking_pages.c's. */
#ifndef LANTERN_SESSION_PAGES_H
#define LANTERN_SESSION_PAGES_H

#include <stdbool.h>
#include <stdint.h>

#include "html.h"
#include "req.h"
#include "resp.h"

struct session;
struct user;

/* Pupil sessions are seen only by admins, trainers and the school they are for. */
bool session_visible(const struct session *s, const struct user *u);
/* Admins change any session; a trainer only the sessions they train. */
bool session_manageable(const struct session *s, const struct user *u);

/* The session page with fe in its error summary, for a POST handler that failed (for example
 * booking_pages.c when a booking is refused). Name the field "email" for the admin's
 * book-on-behalf form, or "book" for the booking section. Returns status. */
int session_page_render(const struct req *r, struct resp *o, int64_t id, const struct form_errors *fe, int status);

/* GOV.UK checkboxes of active trainers (name "trainers", value the email), ticking those in the
 * comma-separated selected list; shared with requests.c's confirm form. */
void session_trainer_checkboxes(const struct req *r, struct resp *o, const struct form_errors *fe,
				const char *selected);

/* The session in brief, as a summary list (course, when, where): for pages about one of its bookings. */
void session_summary(const struct req *r, struct resp *o, const struct session *s);
/* "2026-03-05T09:30" in Europe/London, as an HTML datetime-local input wants it; "" for 0.
 * Allocated in the arena. */
const char *session_local_input(struct arena *a, int64_t t);

int courses_list_page(const struct req *r, struct resp *o);
int course_page(const struct req *r, struct resp *o);
int courses_api_list(const struct req *r, struct resp *o);

int sessions_list_page(const struct req *r, struct resp *o);
int session_page(const struct req *r, struct resp *o);
int sessions_new_page(const struct req *r, struct resp *o);
int sessions_create(const struct req *r, struct resp *o);
int sessions_edit_page(const struct req *r, struct resp *o);
int sessions_update(const struct req *r, struct resp *o);
/* The confirmation before cancelling a session (confirm.h); sessions_cancel acts. */
int sessions_cancel_page(const struct req *r, struct resp *o);
int sessions_cancel(const struct req *r, struct resp *o);

int sessions_api_list(const struct req *r, struct resp *o);
int sessions_api_create(const struct req *r, struct resp *o);
int sessions_api_get(const struct req *r, struct resp *o);
int sessions_api_update(const struct req *r, struct resp *o);
int sessions_api_cancel(const struct req *r, struct resp *o);
int sessions_api_bookings(const struct req *r, struct resp *o);

/* Options for choosing a module: every pupil programme's modules with their year groups, after a
 * first option (value "") labelled none_label. */
size_t session_module_options(struct arena *a, const char *none_label, const struct option **out);

#endif
