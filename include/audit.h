/* audit.h — the one audit trail: who changed what, when, from what to what. */
#ifndef LANTERN_AUDIT_H
#define LANTERN_AUDIT_H

#include <stdint.h>

struct db;

/* actor is a user id, or 0 for the system/command line. Returns 0 or -1. */
int audit(struct db *db, int64_t actor, const char *entity, const char *entity_id, const char *action,
	  const char *old_value, const char *new_value);

#endif
