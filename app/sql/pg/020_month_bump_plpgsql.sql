-- 020: training_month_bump (010) as PL/pgSQL. A LANGUAGE sql function called from a trigger function is
-- not inlined, and its INSERT was parsed and planned again at every call: 0.64 ms of a booking's INSERT
-- on the bench data set. PL/pgSQL keeps its statements' plans for the connection's life (0.17-0.24 ms).
CREATE OR REPLACE FUNCTION training_month_bump(VARIADIC ends bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO data_month_versions (source, month, version)
		SELECT DISTINCT 'training', to_char(to_timestamp(e), 'YYYY-MM'), 1 FROM unnest(ends) e WHERE e IS NOT NULL
		ON CONFLICT (source, month) DO UPDATE SET version = data_month_versions.version + 1;
END $$;
