-- Live evaluations (épreuves): a session of one kind for a cohort, its
-- jury, and one slot (passage) per learner in passing order. When a jury
-- member first saves a grid, the slot gets a piece of the live kind with
-- one frozen version: the jury's gradings hang on it as on any piece, so
-- that results flow into progress, coverage and the certification file.
CREATE TABLE eval_sessions (
	id INTEGER PRIMARY KEY,
	cohort_id INTEGER NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
	kind_id TEXT NOT NULL,
	title TEXT NOT NULL,
	starts_at TEXT NOT NULL,          -- first slot, UTC
	slot_minutes INTEGER NOT NULL,
	place TEXT NOT NULL DEFAULT '',
	link TEXT NOT NULL DEFAULT '',    -- remote session
	bring TEXT NOT NULL DEFAULT '',   -- what to bring
	written_due TEXT NOT NULL DEFAULT '', -- written piece due (Paris date), for a kind with a written part
	sent_at TEXT,                     -- convocations sent
	changed_at TEXT,                  -- changed after sending
	created_at TEXT NOT NULL,
	created_by INTEGER REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX eval_sessions_cohort ON eval_sessions(cohort_id, starts_at);

CREATE TABLE eval_jury (
	session_id INTEGER NOT NULL REFERENCES eval_sessions(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	PRIMARY KEY (session_id, user_id)
);
CREATE INDEX eval_jury_user ON eval_jury(user_id);

CREATE TABLE eval_slots (
	id INTEGER PRIMARY KEY,
	session_id INTEGER NOT NULL REFERENCES eval_sessions(id) ON DELETE CASCADE,
	learner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	attendance TEXT NOT NULL DEFAULT '' CHECK (attendance IN ('','present','absent','excuse')),
	written_piece_id INTEGER REFERENCES pieces(id) ON DELETE SET NULL,
	sent_snapshot TEXT NOT NULL DEFAULT '', -- JSON: what the convocation said when sent
	UNIQUE (session_id, learner_id)
);
CREATE INDEX eval_slots_learner ON eval_slots(learner_id);

-- A jury member's free notes on a passage (private to them), saved as typed.
CREATE TABLE eval_notes (
	slot_id INTEGER NOT NULL REFERENCES eval_slots(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	notes TEXT NOT NULL DEFAULT '',
	updated_at TEXT NOT NULL,
	PRIMARY KEY (slot_id, user_id)
);

-- The piece of a passage (NULL for a learner's own pieces).
ALTER TABLE pieces ADD COLUMN slot_id INTEGER REFERENCES eval_slots(id) ON DELETE SET NULL;
CREATE UNIQUE INDEX pieces_slot ON pieces(slot_id) WHERE slot_id IS NOT NULL;
