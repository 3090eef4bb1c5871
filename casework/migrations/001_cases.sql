-- A learner's case file on a simulated person. Nothing is ever deleted:
-- situations, goals and actions are ended, and every change is journaled.
CREATE TABLE cases (
	id INTEGER PRIMARY KEY,
	learner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	scenario_id TEXT NOT NULL,
	state TEXT NOT NULL DEFAULT 'accueil',
	sim_day INTEGER NOT NULL DEFAULT 0,
	trust INTEGER NOT NULL,
	minutes INTEGER NOT NULL DEFAULT 0,
	urgency TEXT NOT NULL DEFAULT '',
	urgency_why TEXT NOT NULL DEFAULT '',
	urgency_day INTEGER,
	first_diagnostic TEXT NOT NULL DEFAULT '',
	full_diagnostic TEXT NOT NULL DEFAULT '',
	review TEXT NOT NULL DEFAULT '',
	transmission TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	closed_at TEXT
);
CREATE INDEX cases_learner ON cases(learner_id);

CREATE TABLE case_journal (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	sim_day INTEGER NOT NULL,
	at TEXT NOT NULL,
	actor_id INTEGER,
	kind TEXT NOT NULL,
	summary TEXT NOT NULL
);
CREATE INDEX case_journal_case ON case_journal(case_id, id);

CREATE TABLE case_transcript (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	speaker TEXT NOT NULL CHECK (speaker IN ('pro','personne','note')),
	ref TEXT NOT NULL DEFAULT '',
	text TEXT NOT NULL
);
CREATE INDEX case_transcript_case ON case_transcript(case_id, id);

CREATE TABLE case_facts (
	case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	fact_id TEXT NOT NULL,
	sim_day INTEGER NOT NULL,
	PRIMARY KEY (case_id, fact_id)
);

CREATE TABLE case_situations (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	domain TEXT NOT NULL,
	label TEXT NOT NULL,
	fact_id TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL CHECK (status IN ('reperee','levee')),
	noted_day INTEGER NOT NULL,
	ended_day INTEGER,
	note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_situations_case ON case_situations(case_id);

CREATE TABLE referrals (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	structure_id TEXT NOT NULL,
	service_id TEXT NOT NULL,
	reason TEXT NOT NULL,
	criteria TEXT NOT NULL DEFAULT '',
	consent INTEGER NOT NULL,
	contact TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL CHECK (status IN ('envoyee','en_etude','acceptee','refusee','expiree')),
	refusal TEXT NOT NULL DEFAULT '',
	sent_day INTEGER NOT NULL,
	answer_day INTEGER,
	reminded INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX referrals_case ON referrals(case_id);

CREATE TABLE plan_goals (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	theme TEXT NOT NULL,
	label TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('en_cours','atteint','abandonne')),
	created_day INTEGER NOT NULL,
	ended_day INTEGER
);

CREATE TABLE plan_actions (
	id INTEGER PRIMARY KEY,
	goal_id INTEGER NOT NULL REFERENCES plan_goals(id) ON DELETE CASCADE,
	label TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('en_projet','en_cours','en_attente','realisee','abandonnee_personne','annulee_structure')),
	start_day INTEGER NOT NULL,
	end_day INTEGER,
	referent TEXT NOT NULL DEFAULT '',
	partner TEXT NOT NULL DEFAULT ''
);

CREATE TABLE contracts (
	case_id INTEGER PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
	type TEXT NOT NULL,
	signed_day INTEGER,
	start_day INTEGER,
	end_day INTEGER,
	person_commitments TEXT NOT NULL DEFAULT '',
	structure_commitments TEXT NOT NULL DEFAULT '',
	steps TEXT NOT NULL DEFAULT '',
	follow_up TEXT NOT NULL DEFAULT ''
);

CREATE TABLE appointments (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	day INTEGER NOT NULL,
	purpose TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('prevu','honore','excuse','absent','annule'))
);

CREATE TABLE case_events (
	case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	event_index INTEGER NOT NULL,
	fired_day INTEGER NOT NULL,
	PRIMARY KEY (case_id, event_index)
);

CREATE TABLE case_comments (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	author_id INTEGER NOT NULL REFERENCES users(id),
	at TEXT NOT NULL,
	text TEXT NOT NULL
);
