-- An examination's marks (out of 20), entered per candidate or imported
-- from a CSV file; published as the passage's result (see exam.go).
CREATE TABLE exam_marks (
	slot_id INTEGER PRIMARY KEY REFERENCES eval_slots(id) ON DELETE CASCADE,
	mark REAL NOT NULL,
	out_of INTEGER NOT NULL DEFAULT 20,
	pass_mark REAL NOT NULL,
	comment TEXT NOT NULL DEFAULT '',
	entered_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
	entered_at TEXT NOT NULL
);
