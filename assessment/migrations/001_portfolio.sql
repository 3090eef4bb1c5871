-- A piece is a learner's production of one deliverable kind. Its draft is
-- edited in place; each deposit freezes a version.
CREATE TABLE pieces (
	id INTEGER PRIMARY KEY,
	learner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	cohort_id INTEGER NOT NULL REFERENCES cohorts(id),
	kind_id TEXT NOT NULL,
	title TEXT NOT NULL,
	draft TEXT NOT NULL DEFAULT '',
	draft_saved_at TEXT NOT NULL,
	pseudonym TEXT NOT NULL,
	double_marking INTEGER NOT NULL DEFAULT 0,
	-- Derived from versions and gradings by one function (refreshStatus),
	-- stored so that queues and heatmaps read one row per piece.
	status TEXT NOT NULL DEFAULT 'brouillon',
	latest_version_id INTEGER,
	deposited_at TEXT,
	created_at TEXT NOT NULL
);
CREATE INDEX pieces_learner ON pieces(learner_id, kind_id);
CREATE INDEX pieces_queue ON pieces(cohort_id, status, deposited_at);

-- Capacities the learner links the piece to (beyond the kind's own), with a
-- short justification per capacity.
CREATE TABLE piece_links (
	piece_id INTEGER NOT NULL REFERENCES pieces(id) ON DELETE CASCADE,
	capacity_id TEXT NOT NULL,
	justification TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (piece_id, capacity_id)
);

-- A deposited version: frozen content, fingerprint, the criteria it answers.
CREATE TABLE piece_versions (
	id INTEGER PRIMARY KEY,
	piece_id INTEGER NOT NULL REFERENCES pieces(id) ON DELETE CASCADE,
	number INTEGER NOT NULL,
	title TEXT NOT NULL,
	body TEXT NOT NULL,
	links TEXT NOT NULL,          -- JSON: capacities and justifications at deposit
	criteria TEXT NOT NULL,       -- JSON: criterion ids to grade
	sha256 TEXT NOT NULL,
	deposited_at TEXT NOT NULL,
	UNIQUE (piece_id, number)
);

CREATE TABLE attachments (
	id INTEGER PRIMARY KEY,
	piece_id INTEGER NOT NULL REFERENCES pieces(id) ON DELETE CASCADE,
	version_id INTEGER REFERENCES piece_versions(id) ON DELETE CASCADE,
	stored_name TEXT NOT NULL, -- shared by a draft row and the version rows copied at deposit
	original_name TEXT NOT NULL,
	mime TEXT NOT NULL,
	size INTEGER NOT NULL,
	sha256 TEXT NOT NULL,
	created_at TEXT NOT NULL
);
CREATE INDEX attachments_piece ON attachments(piece_id);

-- One assessor's grading of one version. A released grading is never
-- edited: a correction is a new grading that supersedes it.
CREATE TABLE gradings (
	id INTEGER PRIMARY KEY,
	version_id INTEGER NOT NULL REFERENCES piece_versions(id) ON DELETE CASCADE,
	assessor_id INTEGER NOT NULL REFERENCES users(id),
	role TEXT NOT NULL CHECK (role IN ('simple','premier','second','tiers','correction')),
	state TEXT NOT NULL CHECK (state IN ('en_cours','pret','publie','clos')),
	decision TEXT NOT NULL DEFAULT '' CHECK (decision IN ('','valide','a_retravailler','non_valide')),
	feedback TEXT NOT NULL DEFAULT '',
	supersedes_id INTEGER REFERENCES gradings(id),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	released_at TEXT
);
CREATE INDEX gradings_version ON gradings(version_id);
CREATE INDEX gradings_assessor ON gradings(assessor_id, state);

CREATE TABLE grading_scores (
	grading_id INTEGER NOT NULL REFERENCES gradings(id) ON DELETE CASCADE,
	criterion_id TEXT NOT NULL,
	level INTEGER,
	comment TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (grading_id, criterion_id)
);

-- Per-cohort marking settings: the level scale, and double marking by kind
-- or by random sample.
CREATE TABLE marking_settings (
	cohort_id INTEGER PRIMARY KEY REFERENCES cohorts(id) ON DELETE CASCADE,
	levels TEXT NOT NULL,              -- JSON array of labels, lowest first
	pass_level INTEGER NOT NULL,       -- index of the first level that counts as acquired
	double_kinds TEXT NOT NULL DEFAULT '[]',
	sample_percent INTEGER NOT NULL DEFAULT 0,
	discrepancy INTEGER NOT NULL DEFAULT 2
);

CREATE TABLE deadlines (
	cohort_id INTEGER NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
	kind_id TEXT NOT NULL,
	due_on TEXT NOT NULL,
	PRIMARY KEY (cohort_id, kind_id)
);
