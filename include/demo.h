/* demo.h — `lantern demo`: a realistic demonstration data set. */
#ifndef LANTERN_DEMO_H
#define LANTERN_DEMO_H

struct db;

#define DEMO_PASSWORD "lantern-demo"

/* Loads the demo data (idempotent: what exists is left alone); prints progress. 0 or -1. */
int demo_load(struct db *db);

#endif
