/* scanq.c — the scan queue: a mutex-guarded array that workers append to and the writer swaps out
 * whole, so a worker never waits for the database to record a scan. */
#include "scanq.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "util.h"

struct scan {
	int64_t placement_id, scanned_at;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static struct scan *items;
static size_t count, cap;
static bool woken;

/* Appends under the lock; the array grows by doubling up to SCANQ_CAPACITY. */
static bool append(int64_t placement_id, int64_t scanned_at)
{
	if (count == SCANQ_CAPACITY)
		return false;
	if (count == cap) {
		cap = cap ? cap * 2 : 1024;
		if (cap > SCANQ_CAPACITY)
			cap = SCANQ_CAPACITY;
		items = xrealloc(items, cap * sizeof *items);
	}
	items[count++] = (struct scan){placement_id, scanned_at};
	return true;
}

bool scanq_push(int64_t placement_id, int64_t scanned_at)
{
	pthread_mutex_lock(&lock);
	bool ok = append(placement_id, scanned_at);
	if (ok && count >= SCANQ_BATCH)
		pthread_cond_signal(&ready);
	pthread_mutex_unlock(&lock);
	return ok;
}

static const char SQL_SCAN_NEW[] = "INSERT INTO scans (placement_id, scanned_at) VALUES (?, ?)";
/* The daily totals indicator O5.5 reads (migration 008), and the version its cached figures follow. */
static const char SQL_DAILY_ADD[] =
	"INSERT INTO scan_daily (area, day, n) SELECT area, date(?2, 'unixepoch', 'localtime'), ?3"
	" FROM placements WHERE id = ?1 ON CONFLICT (area, day) DO UPDATE SET n = scan_daily.n + excluded.n";
static const char SQL_VERSION_BUMP[] = "UPDATE data_versions SET version = version + 1 WHERE source = 'campaigns'";

/* Adds n scans of one placement on the local day of t to the daily totals. */
static bool add_daily(struct db *db, int64_t placement_id, int64_t t, int n)
{
	return db_exec(db, SQL_DAILY_ADD, "IIi", placement_id, t, n) == DB_OK;
}

int scanq_write(struct db *db, int64_t placement_id, int64_t scanned_at)
{
	bool ok = db_exec(db, SQL_SCAN_NEW, "II", placement_id, scanned_at) == DB_OK &&
		  add_daily(db, placement_id, scanned_at, 1) && db_exec(db, SQL_VERSION_BUMP, "") == DB_OK;
	return ok ? 0 : -1;
}

/* The local day of t, as a number that changes exactly when the date does. */
static int local_day(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

/* Writes a sorted batch: every row, then one total per run of the same placement and day, and one
 * version bump for the lot. */
static bool write_batch(struct db *db, const struct scan *batch, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		if (db_exec(db, SQL_SCAN_NEW, "II", batch[i].placement_id, batch[i].scanned_at) != DB_OK)
			return false;
		bool last = i + 1 == n || batch[i + 1].placement_id != batch[i].placement_id ||
			    local_day(batch[i + 1].scanned_at) != local_day(batch[i].scanned_at);
		if (last) {
			if (!add_daily(db, batch[i].placement_id, batch[i].scanned_at, (int)(i + 1 - run)))
				return false;
			run = i + 1;
		}
	}
	return db_exec(db, SQL_VERSION_BUMP, "") == DB_OK;
}

/* Takes the whole queue, leaving an empty one: the lock is held only for the swap. */
static struct scan *take(size_t *n)
{
	pthread_mutex_lock(&lock);
	struct scan *batch = items;
	*n = count;
	items = NULL;
	count = cap = 0;
	pthread_mutex_unlock(&lock);
	return batch;
}

/* Puts a batch that could not be written back on the queue, so no scan is lost. */
static void give_back(const struct scan *batch, size_t n)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < n; i++)
		if (!append(batch[i].placement_id, batch[i].scanned_at))
			log_error("scan queue full: a scan could not be put back");
	pthread_mutex_unlock(&lock);
}

static int by_placement(const void *a, const void *b)
{
	const struct scan *x = a, *y = b;
	if (x->placement_id != y->placement_id)
		return x->placement_id < y->placement_id ? -1 : 1;
	return (x->scanned_at > y->scanned_at) - (x->scanned_at < y->scanned_at);
}

int scanq_flush(struct db *db)
{
	size_t n;
	struct scan *batch = take(&n);
	if (n == 0) {
		free(batch);
		return 0;
	}
	/* In index order: each placement's index page is visited once per batch, not once per scan. */
	qsort(batch, n, sizeof *batch, by_placement);
	bool ok = db_begin(db) == DB_OK && write_batch(db, batch, n);
	if (ok)
		ok = db_commit(db) == DB_OK;
	else
		db_rollback(db);
	if (!ok) {
		log_error("could not write %zu scans; they stay queued", n);
		give_back(batch, n);
	}
	free(batch);
	return ok ? (int)n : -1;
}

void scanq_wait(int timeout_ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&lock);
	while (count < SCANQ_BATCH && !woken)
		if (pthread_cond_timedwait(&ready, &lock, &until) != 0)
			break;
	woken = false;
	pthread_mutex_unlock(&lock);
}

void scanq_wake(void)
{
	pthread_mutex_lock(&lock);
	woken = true;
	pthread_cond_broadcast(&ready);
	pthread_mutex_unlock(&lock);
}

size_t scanq_pending(void)
{
	pthread_mutex_lock(&lock);
	size_t n = count;
	pthread_mutex_unlock(&lock);
	return n;
}
