-- Trainers' comments on an exercise attempt (organiser l'accueil, dossier
-- documentaire, mises en situation), as on a case file: deleted with the
-- attempt (erasure of the learner).
CREATE TABLE attempt_comments (
	id INTEGER PRIMARY KEY,
	attempt_id INTEGER NOT NULL REFERENCES exercise_attempts(id) ON DELETE CASCADE,
	author_id INTEGER NOT NULL REFERENCES users(id),
	at TEXT NOT NULL,
	text TEXT NOT NULL
);
CREATE INDEX attempt_comments_attempt ON attempt_comments(attempt_id);
