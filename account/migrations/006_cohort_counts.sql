-- Each cohort's numbers of learners and assessors, kept in step with its
-- membership by triggers: a cohort's header reads one row, whatever its
-- size (two counts over 10,000 members on every cohort page before).
CREATE TABLE cohort_counts (
	cohort_id INTEGER PRIMARY KEY REFERENCES cohorts(id) ON DELETE CASCADE,
	learners  INTEGER NOT NULL DEFAULT 0,
	assessors INTEGER NOT NULL DEFAULT 0
);
INSERT INTO cohort_counts(cohort_id, learners, assessors)
	SELECT c.id,
		(SELECT count(*) FROM cohort_members m WHERE m.cohort_id=c.id AND m.member_role='learner'),
		(SELECT count(*) FROM cohort_members m WHERE m.cohort_id=c.id AND m.member_role='assessor')
	FROM cohorts c;

CREATE TRIGGER cohort_counts_new AFTER INSERT ON cohorts
BEGIN
	INSERT OR IGNORE INTO cohort_counts(cohort_id) VALUES (NEW.id);
END;
CREATE TRIGGER cohort_counts_join AFTER INSERT ON cohort_members
BEGIN
	UPDATE cohort_counts SET learners=learners+(NEW.member_role='learner'), assessors=assessors+(NEW.member_role='assessor')
		WHERE cohort_id=NEW.cohort_id;
END;
CREATE TRIGGER cohort_counts_leave AFTER DELETE ON cohort_members
BEGIN
	UPDATE cohort_counts SET learners=learners-(OLD.member_role='learner'), assessors=assessors-(OLD.member_role='assessor')
		WHERE cohort_id=OLD.cohort_id;
END;
CREATE TRIGGER cohort_counts_change AFTER UPDATE ON cohort_members
BEGIN
	UPDATE cohort_counts SET learners=learners-(OLD.member_role='learner'), assessors=assessors-(OLD.member_role='assessor')
		WHERE cohort_id=OLD.cohort_id;
	UPDATE cohort_counts SET learners=learners+(NEW.member_role='learner'), assessors=assessors+(NEW.member_role='assessor')
		WHERE cohort_id=NEW.cohort_id;
END;
