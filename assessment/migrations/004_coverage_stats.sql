-- Per-learner totals and the criteria graded in each cohort, kept up to
-- date with learner_capacities so that a cohort's coverage page reads a
-- few small tables whatever the size of the cohort.
CREATE TABLE learner_stats (
	learner_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	acquired INTEGER NOT NULL,
	pending INTEGER NOT NULL,
	returned INTEGER NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE TABLE cohort_graded_criteria (
	cohort_id INTEGER NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
	criterion_id TEXT NOT NULL,
	PRIMARY KEY (cohort_id, criterion_id)
);
