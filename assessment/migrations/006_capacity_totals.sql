-- Per-cohort, per-capacity counts of learners in each state, kept by
-- triggers on every change of a learner's capacity state and of cohort
-- membership, so that a cohort heatmap's totals are a read of a few hundred
-- rows whatever the size of the cohort.
CREATE TABLE cohort_capacity_totals (
	cohort_id INTEGER NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
	capacity_id TEXT NOT NULL,
	state TEXT NOT NULL,
	n INTEGER NOT NULL,
	PRIMARY KEY (cohort_id, capacity_id, state)
);

INSERT INTO cohort_capacity_totals(cohort_id, capacity_id, state, n)
	SELECT m.cohort_id, lc.capacity_id, lc.state, count(*) FROM learner_capacities lc
	JOIN cohort_members m ON m.user_id=lc.learner_id AND m.member_role='learner'
	GROUP BY m.cohort_id, lc.capacity_id, lc.state;

CREATE TRIGGER capacity_totals_insert AFTER INSERT ON learner_capacities
BEGIN
	INSERT INTO cohort_capacity_totals(cohort_id, capacity_id, state, n)
		SELECT m.cohort_id, NEW.capacity_id, NEW.state, 1 FROM cohort_members m
		WHERE m.user_id=NEW.learner_id AND m.member_role='learner'
		ON CONFLICT(cohort_id, capacity_id, state) DO UPDATE SET n=n+1;
END;

CREATE TRIGGER capacity_totals_update AFTER UPDATE OF state ON learner_capacities WHEN OLD.state<>NEW.state
BEGIN
	UPDATE cohort_capacity_totals SET n=n-1 WHERE capacity_id=OLD.capacity_id AND state=OLD.state
		AND cohort_id IN (SELECT cohort_id FROM cohort_members WHERE user_id=OLD.learner_id AND member_role='learner');
	INSERT INTO cohort_capacity_totals(cohort_id, capacity_id, state, n)
		SELECT m.cohort_id, NEW.capacity_id, NEW.state, 1 FROM cohort_members m
		WHERE m.user_id=NEW.learner_id AND m.member_role='learner'
		ON CONFLICT(cohort_id, capacity_id, state) DO UPDATE SET n=n+1;
END;

CREATE TRIGGER capacity_totals_delete AFTER DELETE ON learner_capacities
BEGIN
	UPDATE cohort_capacity_totals SET n=n-1 WHERE capacity_id=OLD.capacity_id AND state=OLD.state
		AND cohort_id IN (SELECT cohort_id FROM cohort_members WHERE user_id=OLD.learner_id AND member_role='learner');
END;

CREATE TRIGGER capacity_totals_enrol AFTER INSERT ON cohort_members WHEN NEW.member_role='learner'
BEGIN
	INSERT INTO cohort_capacity_totals(cohort_id, capacity_id, state, n)
		SELECT NEW.cohort_id, capacity_id, state, count(*) FROM learner_capacities WHERE learner_id=NEW.user_id
		GROUP BY capacity_id, state
		ON CONFLICT(cohort_id, capacity_id, state) DO UPDATE SET n=n+excluded.n;
END;

CREATE TRIGGER capacity_totals_leave AFTER DELETE ON cohort_members WHEN OLD.member_role='learner'
BEGIN
	UPDATE cohort_capacity_totals SET n=n-(SELECT count(*) FROM learner_capacities lc
		WHERE lc.learner_id=OLD.user_id AND lc.capacity_id=cohort_capacity_totals.capacity_id AND lc.state=cohort_capacity_totals.state)
		WHERE cohort_id=OLD.cohort_id;
END;
