-- The assessors' queue reads waiting pieces of a cohort in deposit order:
-- a partial index gives that order without sorting the whole cohort.
CREATE INDEX pieces_waiting ON pieces(cohort_id, deposited_at, id) WHERE status IN ('depose','en_evaluation','moderation');
