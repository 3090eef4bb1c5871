-- Jury decisions: final. A correction is a new decision that names the one
-- it corrects; the database refuses updates and deletes.
CREATE TABLE jury_decisions (
	id INTEGER PRIMARY KEY,
	learner_id INTEGER NOT NULL REFERENCES users(id),
	cohort_id INTEGER NOT NULL REFERENCES cohorts(id),
	jury_date TEXT NOT NULL,
	members TEXT NOT NULL,          -- JSON array of names
	outcome TEXT NOT NULL CHECK (outcome IN ('totale','partielle','refus')),
	activities TEXT NOT NULL,       -- JSON array of validated activity ids
	comments TEXT NOT NULL DEFAULT '',
	proposal TEXT NOT NULL,         -- the platform's proposal at the time
	snapshot TEXT NOT NULL,         -- the sealed dossier (canonical JSON)
	snapshot_sha256 TEXT NOT NULL,
	corrects_id INTEGER UNIQUE REFERENCES jury_decisions(id),
	recorded_by INTEGER NOT NULL REFERENCES users(id),
	recorded_at TEXT NOT NULL
);
CREATE INDEX jury_decisions_learner ON jury_decisions(learner_id, id);
CREATE INDEX jury_decisions_cohort ON jury_decisions(cohort_id);

CREATE TRIGGER jury_decisions_no_update BEFORE UPDATE ON jury_decisions
BEGIN
	SELECT RAISE(ABORT, 'les décisions de jury sont définitives');
END;
CREATE TRIGGER jury_decisions_no_delete BEFORE DELETE ON jury_decisions
BEGIN
	SELECT RAISE(ABORT, 'les décisions de jury sont définitives');
END;
