-- A jury decision changes the jury list: it raises the cohort's version too,
-- so that the list can be kept in memory per version (see JuryList).
CREATE TRIGGER cohort_versions_jury AFTER INSERT ON jury_decisions
BEGIN
	UPDATE cohort_versions SET v=v+1 WHERE cohort_id=NEW.cohort_id;
END;
