-- A sandbox that teaches (issue 14): the clock, the style and trust of
-- each exchange, urgencies per domain, facts the person withholds,
-- referral and appointment modes, internal actions, and which appointment
-- a missed-appointment event hit.
ALTER TABLE cases ADD COLUMN clock INTEGER NOT NULL DEFAULT 570;
ALTER TABLE case_transcript ADD COLUMN style TEXT NOT NULL DEFAULT '';
ALTER TABLE case_transcript ADD COLUMN trust INTEGER;
ALTER TABLE case_transcript ADD COLUMN delta INTEGER NOT NULL DEFAULT 0;
ALTER TABLE case_transcript ADD COLUMN guarded INTEGER NOT NULL DEFAULT 0;
ALTER TABLE case_situations ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE referrals ADD COLUMN mode TEXT NOT NULL DEFAULT 'fiche';
ALTER TABLE referrals ADD COLUMN internal INTEGER NOT NULL DEFAULT 0;
ALTER TABLE appointments ADD COLUMN mode TEXT NOT NULL DEFAULT 'presentiel';
ALTER TABLE case_events ADD COLUMN appointment_id INTEGER;

CREATE TABLE case_urgencies (
	case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	domain TEXT NOT NULL,
	level TEXT NOT NULL,
	why TEXT NOT NULL,
	sim_day INTEGER NOT NULL,
	PRIMARY KEY (case_id, domain)
);

CREATE TABLE case_withheld (
	case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	fact_id TEXT NOT NULL,
	cause TEXT NOT NULL,
	PRIMARY KEY (case_id, fact_id)
);

-- Existing urgency ratings become the rating of the whole situation.
INSERT INTO case_urgencies(case_id, domain, level, why, sim_day)
	SELECT id, '', urgency, urgency_why, coalesce(urgency_day, 0) FROM cases WHERE urgency<>'';
