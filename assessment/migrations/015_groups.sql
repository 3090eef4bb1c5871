-- Groups within a cohort, for collective work. A member who leaves keeps
-- the row (left_at): their individual part stays theirs.
CREATE TABLE learner_groups (
	id INTEGER PRIMARY KEY,
	cohort_id INTEGER NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	created_at TEXT NOT NULL,
	UNIQUE (cohort_id, name)
);
CREATE TABLE group_members (
	group_id INTEGER NOT NULL REFERENCES learner_groups(id) ON DELETE CASCADE,
	learner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	joined_at TEXT NOT NULL,
	left_at TEXT,
	PRIMARY KEY (group_id, learner_id)
);
CREATE INDEX group_members_learner ON group_members(learner_id);

-- A collective part belongs to a group (group_id); each member's
-- individual part names it (part_of).
ALTER TABLE pieces ADD COLUMN group_id INTEGER REFERENCES learner_groups(id);
ALTER TABLE pieces ADD COLUMN part_of INTEGER REFERENCES pieces(id);
CREATE INDEX pieces_group ON pieces(group_id) WHERE group_id IS NOT NULL;

-- Who wrote a collective part: each member's saves of its draft.
CREATE TABLE piece_authors (
	piece_id INTEGER NOT NULL REFERENCES pieces(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	saves INTEGER NOT NULL,
	first_at TEXT NOT NULL,
	last_at TEXT NOT NULL,
	PRIMARY KEY (piece_id, user_id)
);
