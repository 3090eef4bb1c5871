-- Where a cohort is taught (a Cnam centre, a partner's premises); optional.
ALTER TABLE cohorts ADD COLUMN site TEXT NOT NULL DEFAULT '';

-- Accounts created with a temporary password (CSV import) must choose their
-- own at first login.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;

-- CSV imports of learners: the parsed preview is kept here, keyed by an
-- unguessable token, so that the confirmation imports exactly what was
-- previewed (nothing is re-sent by the browser). The rows are emptied once
-- the import is confirmed; unconfirmed previews expire after an hour and
-- are purged at the next preview.
CREATE TABLE cohort_imports (
	id INTEGER PRIMARY KEY,
	token TEXT NOT NULL UNIQUE,
	cohort_id INTEGER NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
	actor_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	file_name TEXT NOT NULL,
	rows TEXT NOT NULL,
	created_at TEXT NOT NULL,
	confirmed_at TEXT,
	created INTEGER NOT NULL DEFAULT 0,
	enrolled INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX cohort_imports_created ON cohort_imports(created_at);
