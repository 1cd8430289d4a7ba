-- 006 indicators: externally sourced figures (O1.6, O1.7, O5.8), entered per period and area with
-- their source, and the baselines and targets admins set. Every change goes to audit_log.

CREATE TABLE external_figures (
	indicator text NOT NULL,
	period text NOT NULL,            -- a period name of spec §2, e.g. FY2025-26-Q1
	area text NOT NULL REFERENCES areas(id),
	value double precision NOT NULL,
	source text NOT NULL,
	note text,
	entered_by bigint REFERENCES users(id),
	entered_at bigint NOT NULL,
	PRIMARY KEY (indicator, period, area)
);

CREATE TABLE indicator_targets (
	indicator text NOT NULL,
	kind text NOT NULL CHECK (kind IN ('baseline', 'target')),
	period text NOT NULL,            -- the period the baseline describes, or the target is for
	area text NOT NULL REFERENCES areas(id),
	value double precision NOT NULL,
	note text,
	set_by bigint REFERENCES users(id),
	set_at bigint NOT NULL,
	PRIMARY KEY (indicator, kind, period, area)
);
