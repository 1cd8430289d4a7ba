-- 020: PostgreSQL only (its training_month_bump becomes PL/pgSQL, which keeps its plan; a SQL function
-- called from a trigger was planned again at every booking). Nothing changes on SQLite.
SELECT 1;
