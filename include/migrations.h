/* migrations.h — the numbered schema migrations, embedded from app/sql/NNN_name.sql at build time. */
#ifndef LANTERN_MIGRATIONS_H
#define LANTERN_MIGRATIONS_H

struct migration {
	int version;
	const char *name;
	const char *sql;
};

extern const struct migration migrations[];
extern const int migrations_count;

#endif
