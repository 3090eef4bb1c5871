-- A version number per cohort, raised by triggers whenever what a heatmap's
-- learner list shows changes (learners' totals, membership, deadlines,
-- names), so that the sorted list of a large cohort can be kept in memory
-- and checked with one tiny read.
CREATE TABLE cohort_versions (
	cohort_id INTEGER PRIMARY KEY REFERENCES cohorts(id) ON DELETE CASCADE,
	v INTEGER NOT NULL DEFAULT 0
);
INSERT INTO cohort_versions(cohort_id) SELECT id FROM cohorts;

CREATE TRIGGER cohort_versions_new AFTER INSERT ON cohorts
BEGIN
	INSERT OR IGNORE INTO cohort_versions(cohort_id) VALUES (NEW.id);
END;

CREATE TRIGGER cohort_versions_stats_insert AFTER INSERT ON learner_stats
BEGIN
	UPDATE cohort_versions SET v=v+1 WHERE cohort_id IN (SELECT cohort_id FROM cohort_members WHERE user_id=NEW.learner_id);
END;
CREATE TRIGGER cohort_versions_stats_update AFTER UPDATE ON learner_stats
BEGIN
	UPDATE cohort_versions SET v=v+1 WHERE cohort_id IN (SELECT cohort_id FROM cohort_members WHERE user_id=NEW.learner_id);
END;
CREATE TRIGGER cohort_versions_stats_delete AFTER DELETE ON learner_stats
BEGIN
	UPDATE cohort_versions SET v=v+1 WHERE cohort_id IN (SELECT cohort_id FROM cohort_members WHERE user_id=OLD.learner_id);
END;

CREATE TRIGGER cohort_versions_join AFTER INSERT ON cohort_members
BEGIN
	UPDATE cohort_versions SET v=v+1 WHERE cohort_id=NEW.cohort_id;
END;
CREATE TRIGGER cohort_versions_leave AFTER DELETE ON cohort_members
BEGIN
	UPDATE cohort_versions SET v=v+1 WHERE cohort_id=OLD.cohort_id;
END;

CREATE TRIGGER cohort_versions_deadline_insert AFTER INSERT ON deadlines
BEGIN
	UPDATE cohort_versions SET v=v+1 WHERE cohort_id=NEW.cohort_id;
END;
CREATE TRIGGER cohort_versions_deadline_update AFTER UPDATE ON deadlines
BEGIN
	UPDATE cohort_versions SET v=v+1 WHERE cohort_id IN (OLD.cohort_id, NEW.cohort_id);
END;
CREATE TRIGGER cohort_versions_deadline_delete AFTER DELETE ON deadlines
BEGIN
	UPDATE cohort_versions SET v=v+1 WHERE cohort_id=OLD.cohort_id;
END;

CREATE TRIGGER cohort_versions_name AFTER UPDATE OF display_name ON users
BEGIN
	UPDATE cohort_versions SET v=v+1 WHERE cohort_id IN (SELECT cohort_id FROM cohort_members WHERE user_id=NEW.id);
END;

CREATE TRIGGER cohort_versions_cohort AFTER UPDATE ON cohorts
BEGIN
	UPDATE cohort_versions SET v=v+1 WHERE cohort_id=NEW.id;
END;

CREATE TRIGGER cohort_versions_graded_insert AFTER INSERT ON cohort_graded_criteria
BEGIN
	UPDATE cohort_versions SET v=v+1 WHERE cohort_id=NEW.cohort_id;
END;
CREATE TRIGGER cohort_versions_graded_delete AFTER DELETE ON cohort_graded_criteria
BEGIN
	UPDATE cohort_versions SET v=v+1 WHERE cohort_id=OLD.cohort_id;
END;
