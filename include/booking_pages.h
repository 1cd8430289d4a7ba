/* booking_pages.h — booking and cancelling (web and API), your bookings, the personal calendar
 * feed, and training records. */
#ifndef LANTERN_BOOKING_PAGES_H
#define LANTERN_BOOKING_PAGES_H

#include "req.h"
#include "resp.h"

int booking_book_post(const struct req *r, struct resp *o);
/* The confirmation page (GET) of cancelling a booking; booking_cancel_post (POST) acts. */
int booking_cancel_page(const struct req *r, struct resp *o);
int booking_cancel_post(const struct req *r, struct resp *o);
int booking_my_page(const struct req *r, struct resp *o);
int booking_preferences_post(const struct req *r, struct resp *o);
int booking_calendar_reset_page(const struct req *r, struct resp *o);
int booking_calendar_reset_post(const struct req *r, struct resp *o);
int booking_calendar_feed(const struct req *r, struct resp *o);
int booking_training_page(const struct req *r, struct resp *o);
int booking_training_due_page(const struct req *r, struct resp *o);

int booking_api_book(const struct req *r, struct resp *o);
int booking_api_cancel(const struct req *r, struct resp *o);
int booking_api_my_bookings(const struct req *r, struct resp *o);
int booking_api_training(const struct req *r, struct resp *o);

#endif
