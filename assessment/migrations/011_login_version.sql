-- The cohort page keeps its learners sorted per cohort version, and shows
-- their logins: a login changed raises the version too.
CREATE TRIGGER cohort_versions_login AFTER UPDATE OF login ON users
BEGIN
	UPDATE cohort_versions SET v=v+1 WHERE cohort_id IN (SELECT cohort_id FROM cohort_members WHERE user_id=NEW.id);
END;
