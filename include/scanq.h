/* scanq.h — QR scans waiting to be written. /c/{code} only queues a scan (time and placement) and
 * redirects at once; a background thread writes the queue in batches, one transaction each, and the
 * server drains it on a clean shutdown after the last worker has stopped. Thread-safe. */
#ifndef LANTERN_SCANQ_H
#define LANTERN_SCANQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

enum {
	SCANQ_CAPACITY = 100000, /* beyond this a scan is written at once rather than held */
	SCANQ_BATCH = 5000,      /* a batch this large wakes the writer early */
	SCANQ_INTERVAL_MS = 200, /* otherwise the writer runs this often */
};

/* Queues one scan; false when the queue is full (the caller then writes it with scanq_write). */
bool scanq_push(int64_t placement_id, int64_t scanned_at);
/* Writes everything queued so far in one transaction. Returns the number written; on a database
 * failure the scans go back on the queue and -1 is returned. */
int scanq_flush(struct db *db);
/* Writes one scan straight away. 0 or -1. */
int scanq_write(struct db *db, int64_t placement_id, int64_t scanned_at);
/* Blocks until a batch is ready, scanq_wake() is called, or timeout_ms passes. */
void scanq_wait(int timeout_ms);
void scanq_wake(void);
size_t scanq_pending(void);

#endif
