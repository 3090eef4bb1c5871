-- Each learner's state on each capacity, recomputed by the acquisition rule
-- whenever one of their pieces changes, so that cohort heatmaps read one
-- row per cell instead of replaying every grading.
CREATE TABLE learner_capacities (
	learner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	capacity_id TEXT NOT NULL,
	state TEXT NOT NULL,
	pieces INTEGER NOT NULL DEFAULT 0,
	updated_at TEXT NOT NULL,
	PRIMARY KEY (learner_id, capacity_id)
);
CREATE INDEX learner_capacities_capacity ON learner_capacities(capacity_id, state);
