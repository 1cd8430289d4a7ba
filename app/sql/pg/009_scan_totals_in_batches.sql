-- 009 scan totals in batches: scans are the largest stream of writes. Instead of a trigger per scan
-- row (the daily total and the cache version), the code that writes scans keeps both (scanq.c: one
-- total per placement and day for a whole batch, one version bump per batch). Deleting a scan still
-- goes through the triggers of 007/008.
DROP TRIGGER scan_daily_add ON scans;
DROP TRIGGER dv_campaigns_scans_insert ON scans;
