-- Sandbox exercises other than case files (issue 15): a learner's attempt
-- at an exercise (its kind, its current plan as JSON, its analysis) and the
-- runs it made (each the plan run and the week's key figures).
CREATE TABLE exercise_attempts (
	id INTEGER PRIMARY KEY,
	learner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	exercise_id TEXT NOT NULL,
	kind TEXT NOT NULL,
	state TEXT NOT NULL DEFAULT 'en_cours' CHECK (state IN ('en_cours','termine')),
	plan TEXT NOT NULL DEFAULT '{}',
	analysis TEXT NOT NULL DEFAULT '',
	runs INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	closed_at TEXT
);
CREATE INDEX exercise_attempts_learner ON exercise_attempts(learner_id, exercise_id);

CREATE TABLE exercise_runs (
	attempt_id INTEGER NOT NULL REFERENCES exercise_attempts(id) ON DELETE CASCADE,
	n INTEGER NOT NULL,
	plan TEXT NOT NULL,
	figures TEXT NOT NULL,
	at TEXT NOT NULL,
	PRIMARY KEY (attempt_id, n)
);
