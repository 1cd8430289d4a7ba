/* bench_data.h — what `make bench` needs from the program itself: a scaled data set generated with a
 * fixed seed, and the disk's commit limit at the server's durability setting (WAL, synchronous=FULL). */
#ifndef LANTERN_BENCH_DATA_H
#define LANTERN_BENCH_DATA_H

struct db;

enum {
	BENCH_SCALE_DEFAULT = 10, /* ten years of a Greater-Essex-sized programme, times ten */
	BENCH_SCALE_MAX = 100,
	BENCH_BOOKERS = 1000,  /* practitioners with no generated bookings, whose tokens the booking bench uses */
	BENCH_OPEN_SESSIONS = 500, /* upcoming sessions open to them, listed for the booking bench */
	BENCH_CODES = 500,     /* placement codes listed for the scan bench */
};

/* Fills an initialised, empty database: at scale N, N × (5,000 sessions, 50,000 bookings, 200 settings,
 * 100,000 survey responses, 500,000 scans) over the ten years to now, with the people, organisations,
 * placements and deliveries they need. Writes what the bench's wrk scripts read into out_dir:
 * bench-tokens.txt (one bearer token per booker), bench-sessions.txt (session ids open to them),
 * bench-codes.txt (placement codes), bench-api-token.txt and bench-cookie.txt (a practitioner's), and
 * bench-cookie-analyst.txt. Progress goes to stderr. Needs the catalogue loaded. Returns the exit status. */
int bench_data_run(struct db *db, int scale, const char *out_dir);

/* Commits one-row INSERT transactions into a scratch table of db for the given time and prints the
 * rate (and p50/p99 commit time) to stdout. Returns the exit status. */
int bench_commit_run(struct db *db, double seconds);

#endif
