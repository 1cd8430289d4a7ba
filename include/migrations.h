/* migrations.h — the numbered schema migrations, embedded from app/sql/NNN_name.sql at build time, and
 * their PostgreSQL versions from app/sql/pg/NNN_name.sql: the same numbers and names (the Makefile
 * refuses to build otherwise), so a schema version means the same on both engines. */
#ifndef LANTERN_MIGRATIONS_H
#define LANTERN_MIGRATIONS_H

struct migration {
	int version;
	const char *name;
	const char *sql;
};

extern const struct migration migrations[];
extern const int migrations_count;
/* migrations_count entries. */
extern const struct migration pg_migrations[];
/* app/sql/pg/compat.sql: SQLite's functions that queries use, for PostgreSQL. */
extern const char pg_compat_sql[];

#endif
