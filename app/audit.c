/* audit.c — appends to the audit trail; callers do it inside the transaction of the change. */
#include "audit.h"

#include "db.h"
#include "util.h"

static const char SQL_AUDIT[] = "INSERT INTO audit_log (at, actor_id, entity, entity_id, action, old_value, new_value)"
				" VALUES (?, nullif(?, 0), ?, ?, ?, ?, ?)";

int audit(struct db *db, int64_t actor, const char *entity, const char *entity_id, const char *action,
	  const char *old_value, const char *new_value)
{
	return db_exec_along(db, SQL_AUDIT, "IIsssss", now_utc(), actor, entity, entity_id, action, old_value, new_value) ==
			       DB_OK
		       ? 0
		       : -1;
}
