-- 006 indicators: externally sourced figures (O1.6, O1.7, O5.8), entered per period and area with
-- their source, and the baselines and targets admins set. Every change goes to audit_log.

CREATE TABLE external_figures (
	indicator TEXT NOT NULL,
	period TEXT NOT NULL,            -- a period name of spec §2, e.g. FY2025-26-Q1
	area TEXT NOT NULL REFERENCES areas(id),
	value REAL NOT NULL,
	source TEXT NOT NULL,
	note TEXT,
	entered_by INTEGER REFERENCES users(id),
	entered_at INTEGER NOT NULL,
	PRIMARY KEY (indicator, period, area)
) WITHOUT ROWID;

CREATE TABLE indicator_targets (
	indicator TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('baseline', 'target')),
	period TEXT NOT NULL,            -- the period the baseline describes, or the target is for
	area TEXT NOT NULL REFERENCES areas(id),
	value REAL NOT NULL,
	note TEXT,
	set_by INTEGER REFERENCES users(id),
	set_at INTEGER NOT NULL,
	PRIMARY KEY (indicator, kind, period, area)
) WITHOUT ROWID;
