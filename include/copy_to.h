/* copy_to.h — `lantern --db SQLITE_PATH copy-to postgresql://...`: moving a partnership's database up
 * from SQLite to PostgreSQL, from one consistent snapshot and all or nothing. */
#ifndef LANTERN_COPY_TO_H
#define LANTERN_COPY_TO_H

/* Copies every table of the SQLite database at source (migrated first if it is behind this build) into
 * the PostgreSQL database target (migrated to the same schema; it must hold no data of its own), with
 * progress on stderr. Returns the exit status: 0, 1 (nothing copied), or 2 (a wrong argument). */
int copy_to_command(const char *source, const char *target);

#endif
