/* demo_training.h — the demo's face-to-face training (demo.h): practitioners, sessions in the past,
 * today and to come, with their bookings, waiting lists, marks, certificates and evaluations, all
 * dated from the app's clock so that every journey has something to show on first sign-in. */
#ifndef LANTERN_DEMO_TRAINING_H
#define LANTERN_DEMO_TRAINING_H

struct db;

/* Adds the practitioners and every session with its bookings, once (when there are no sessions
 * yet); prints progress. The demo's organisations and users must be there. 0 or -1. */
int demo_training(struct db *db);
/* Adds a session running now, open for check-in and marking, unless one started today already: run
 * on a later day, the demo still has one. 0 or -1. */
int demo_training_today(struct db *db);

#endif
