-- Marking statistics kept up to date as gradings change, so that the
-- assessors' page and the marking-rules page read a few rows whatever the
-- size of the cohort.
--
-- Two layers. Facts are rows derived from one piece (its gradings, its
-- waiting state, its double markings); the Go code rewrites a piece's facts
-- whenever refreshStatus runs (deposit, start, release), and rebuilds a whole
-- cohort's after a bulk write (RebuildCoverage). Tallies are sums over the
-- facts, kept by the triggers below on every insert and delete of a fact:
-- facts go with their piece (ON DELETE CASCADE), so an erasure takes its
-- share out of the tallies too.

-- One row per grading: what it adds to its assessor's counts.
CREATE TABLE grading_facts (
	grading_id INTEGER PRIMARY KEY,
	piece_id INTEGER NOT NULL REFERENCES pieces(id) ON DELETE CASCADE,
	cohort_id INTEGER NOT NULL,
	assessor_id INTEGER NOT NULL,
	released INTEGER NOT NULL,
	in_progress INTEGER NOT NULL,
	arbitration INTEGER NOT NULL,
	-- Time from the version's deposit to the release, in buckets: hours
	-- below 48 h, then tenths of a day (see assessment.turnaroundBucket);
	-- NULL when not counted (not released, or a rectification).
	turnaround INTEGER
);
CREATE INDEX grading_facts_piece ON grading_facts(piece_id);

-- One row per waiting piece (deposited, in marking, in arbitration).
CREATE TABLE waiting_facts (
	piece_id INTEGER PRIMARY KEY REFERENCES pieces(id) ON DELETE CASCADE,
	cohort_id INTEGER NOT NULL,
	-- Who may open a grading of it: 'A' the cohort's assessors, 'M' its
	-- assessors and managers (an arbitration), 'N' nobody new.
	class TEXT NOT NULL CHECK (class IN ('A','M','N')),
	hour INTEGER NOT NULL,    -- deposit of the latest version, hours since 1970
	started INTEGER NOT NULL  -- a grading of the latest version is under way
);

-- One row per waiting piece and person holding a grading of its latest
-- version: what takes the piece out of their queue or puts it in their
-- waiting work.
CREATE TABLE waiting_people (
	piece_id INTEGER NOT NULL REFERENCES pieces(id) ON DELETE CASCADE,
	assessor_id INTEGER NOT NULL,
	cohort_id INTEGER NOT NULL,
	class TEXT NOT NULL,
	hour INTEGER NOT NULL,
	own INTEGER NOT NULL,     -- their grading is under way
	marker INTEGER NOT NULL,  -- they hold the first or second marking
	PRIMARY KEY (piece_id, assessor_id)
);
CREATE INDEX waiting_people_assessor ON waiting_people(cohort_id, assessor_id);

-- One row per version with both blind gradings released.
CREATE TABLE agreement_facts (
	version_id INTEGER PRIMARY KEY,
	piece_id INTEGER NOT NULL REFERENCES pieces(id) ON DELETE CASCADE,
	cohort_id INTEGER NOT NULL,
	first_grading INTEGER NOT NULL,
	second_grading INTEGER NOT NULL,
	first_id INTEGER NOT NULL,
	second_id INTEGER NOT NULL,
	moderated INTEGER NOT NULL
);
CREATE INDEX agreement_facts_piece ON agreement_facts(piece_id);

-- One row per criterion both blind gradings of such a version rated.
CREATE TABLE agreement_levels (
	version_id INTEGER NOT NULL,
	criterion_id TEXT NOT NULL,
	piece_id INTEGER NOT NULL REFERENCES pieces(id) ON DELETE CASCADE,
	cohort_id INTEGER NOT NULL,
	first_id INTEGER NOT NULL,
	second_id INTEGER NOT NULL,
	a INTEGER NOT NULL,
	b INTEGER NOT NULL,
	PRIMARY KEY (version_id, criterion_id)
);
CREATE INDEX agreement_levels_piece ON agreement_levels(piece_id);

-- Tallies. assessor_id 0 is the whole cohort.
CREATE TABLE assessor_tallies (
	cohort_id INTEGER NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
	assessor_id INTEGER NOT NULL,
	gradings INTEGER NOT NULL DEFAULT 0,
	released INTEGER NOT NULL DEFAULT 0,
	in_progress INTEGER NOT NULL DEFAULT 0,
	arbitrations INTEGER NOT NULL DEFAULT 0,
	turnarounds INTEGER NOT NULL DEFAULT 0,
	rating_pairs INTEGER NOT NULL DEFAULT 0, -- criterion ratings shared with a double-marking colleague
	exact INTEGER NOT NULL DEFAULT 0,
	adjacent INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (cohort_id, assessor_id)
);

CREATE TABLE turnaround_tallies (
	cohort_id INTEGER NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
	assessor_id INTEGER NOT NULL,
	bucket INTEGER NOT NULL,
	n INTEGER NOT NULL,
	PRIMARY KEY (cohort_id, assessor_id, bucket)
);

CREATE TABLE waiting_tallies (
	cohort_id INTEGER NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
	class TEXT NOT NULL,
	hour INTEGER NOT NULL,
	started INTEGER NOT NULL,
	n INTEGER NOT NULL,
	PRIMARY KEY (cohort_id, class, hour, started)
);

-- Contingency counts of (first level, second level): kind 'c' by criterion
-- (key: its id), kind 'p' by pair of assessors (key: « lo-hi » ids).
CREATE TABLE agreement_tallies (
	cohort_id INTEGER NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
	kind TEXT NOT NULL,
	key TEXT NOT NULL,
	a INTEGER NOT NULL,
	b INTEGER NOT NULL,
	n INTEGER NOT NULL,
	PRIMARY KEY (cohort_id, kind, key, a, b)
);

-- Per pair: how many ratings they share, so that the pairs with the most
-- evidence come first without reading every pair.
CREATE TABLE pair_tallies (
	cohort_id INTEGER NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
	lo INTEGER NOT NULL,
	hi INTEGER NOT NULL,
	n INTEGER NOT NULL,
	PRIMARY KEY (cohort_id, lo, hi)
);
CREATE INDEX pair_tallies_n ON pair_tallies(cohort_id, n DESC, lo, hi);

CREATE TABLE agreement_counts (
	cohort_id INTEGER PRIMARY KEY REFERENCES cohorts(id) ON DELETE CASCADE,
	versions INTEGER NOT NULL,
	moderated INTEGER NOT NULL
);

-- Cohorts whose facts are to be built from their pieces (at start-up).
CREATE TABLE marking_stats_pending (
	cohort_id INTEGER PRIMARY KEY REFERENCES cohorts(id) ON DELETE CASCADE
);
INSERT INTO marking_stats_pending(cohort_id) SELECT id FROM cohorts;

CREATE TRIGGER grading_facts_add AFTER INSERT ON grading_facts
BEGIN
	INSERT INTO assessor_tallies(cohort_id, assessor_id, gradings, released, in_progress, arbitrations, turnarounds)
		VALUES (NEW.cohort_id, NEW.assessor_id, 1, NEW.released, NEW.in_progress, NEW.arbitration, NEW.turnaround IS NOT NULL),
		       (NEW.cohort_id, 0, 1, NEW.released, NEW.in_progress, NEW.arbitration, NEW.turnaround IS NOT NULL)
		ON CONFLICT(cohort_id, assessor_id) DO UPDATE SET gradings=gradings+1, released=released+excluded.released,
			in_progress=in_progress+excluded.in_progress, arbitrations=arbitrations+excluded.arbitrations,
			turnarounds=turnarounds+excluded.turnarounds;
	INSERT INTO turnaround_tallies(cohort_id, assessor_id, bucket, n)
		SELECT NEW.cohort_id, who, NEW.turnaround, 1 FROM (SELECT NEW.assessor_id AS who UNION ALL SELECT 0)
		WHERE NEW.turnaround IS NOT NULL
		ON CONFLICT(cohort_id, assessor_id, bucket) DO UPDATE SET n=n+1;
END;

CREATE TRIGGER grading_facts_remove AFTER DELETE ON grading_facts
BEGIN
	UPDATE assessor_tallies SET gradings=gradings-1, released=released-OLD.released, in_progress=in_progress-OLD.in_progress,
		arbitrations=arbitrations-OLD.arbitration, turnarounds=turnarounds-(OLD.turnaround IS NOT NULL)
		WHERE cohort_id=OLD.cohort_id AND assessor_id IN (OLD.assessor_id, 0);
	UPDATE turnaround_tallies SET n=n-1 WHERE cohort_id=OLD.cohort_id AND assessor_id IN (OLD.assessor_id, 0) AND bucket=OLD.turnaround;
	DELETE FROM turnaround_tallies WHERE cohort_id=OLD.cohort_id AND assessor_id IN (OLD.assessor_id, 0) AND bucket=OLD.turnaround AND n=0;
END;

CREATE TRIGGER waiting_facts_add AFTER INSERT ON waiting_facts
BEGIN
	INSERT INTO waiting_tallies(cohort_id, class, hour, started, n) VALUES (NEW.cohort_id, NEW.class, NEW.hour, NEW.started, 1)
		ON CONFLICT(cohort_id, class, hour, started) DO UPDATE SET n=n+1;
END;

CREATE TRIGGER waiting_facts_remove AFTER DELETE ON waiting_facts
BEGIN
	UPDATE waiting_tallies SET n=n-1 WHERE cohort_id=OLD.cohort_id AND class=OLD.class AND hour=OLD.hour AND started=OLD.started;
	DELETE FROM waiting_tallies WHERE cohort_id=OLD.cohort_id AND class=OLD.class AND hour=OLD.hour AND started=OLD.started AND n=0;
END;

CREATE TRIGGER agreement_facts_add AFTER INSERT ON agreement_facts
BEGIN
	INSERT INTO agreement_counts(cohort_id, versions, moderated) VALUES (NEW.cohort_id, 1, NEW.moderated)
		ON CONFLICT(cohort_id) DO UPDATE SET versions=versions+1, moderated=moderated+excluded.moderated;
END;

CREATE TRIGGER agreement_facts_remove AFTER DELETE ON agreement_facts
BEGIN
	UPDATE agreement_counts SET versions=versions-1, moderated=moderated-OLD.moderated WHERE cohort_id=OLD.cohort_id;
END;

CREATE TRIGGER agreement_levels_add AFTER INSERT ON agreement_levels
BEGIN
	INSERT INTO agreement_tallies(cohort_id, kind, key, a, b, n)
		VALUES (NEW.cohort_id, 'c', NEW.criterion_id, NEW.a, NEW.b, 1),
		       (NEW.cohort_id, 'p', min(NEW.first_id, NEW.second_id) || '-' || max(NEW.first_id, NEW.second_id), NEW.a, NEW.b, 1)
		ON CONFLICT(cohort_id, kind, key, a, b) DO UPDATE SET n=n+1;
	INSERT INTO pair_tallies(cohort_id, lo, hi, n) VALUES (NEW.cohort_id, min(NEW.first_id, NEW.second_id), max(NEW.first_id, NEW.second_id), 1)
		ON CONFLICT(cohort_id, lo, hi) DO UPDATE SET n=n+1;
	INSERT INTO assessor_tallies(cohort_id, assessor_id, rating_pairs, exact, adjacent)
		VALUES (NEW.cohort_id, NEW.first_id, 1, NEW.a=NEW.b, abs(NEW.a-NEW.b)<=1),
		       (NEW.cohort_id, NEW.second_id, 1, NEW.a=NEW.b, abs(NEW.a-NEW.b)<=1),
		       (NEW.cohort_id, 0, 1, NEW.a=NEW.b, abs(NEW.a-NEW.b)<=1)
		ON CONFLICT(cohort_id, assessor_id) DO UPDATE SET rating_pairs=rating_pairs+1, exact=exact+excluded.exact,
			adjacent=adjacent+excluded.adjacent;
END;

CREATE TRIGGER agreement_levels_remove AFTER DELETE ON agreement_levels
BEGIN
	UPDATE agreement_tallies SET n=n-1 WHERE cohort_id=OLD.cohort_id AND kind='c' AND key=OLD.criterion_id AND a=OLD.a AND b=OLD.b;
	UPDATE agreement_tallies SET n=n-1 WHERE cohort_id=OLD.cohort_id AND kind='p'
		AND key=min(OLD.first_id, OLD.second_id) || '-' || max(OLD.first_id, OLD.second_id) AND a=OLD.a AND b=OLD.b;
	DELETE FROM agreement_tallies WHERE cohort_id=OLD.cohort_id AND kind='c' AND key=OLD.criterion_id AND a=OLD.a AND b=OLD.b AND n=0;
	DELETE FROM agreement_tallies WHERE cohort_id=OLD.cohort_id AND kind='p'
		AND key=min(OLD.first_id, OLD.second_id) || '-' || max(OLD.first_id, OLD.second_id) AND a=OLD.a AND b=OLD.b AND n=0;
	UPDATE pair_tallies SET n=n-1 WHERE cohort_id=OLD.cohort_id AND lo=min(OLD.first_id, OLD.second_id) AND hi=max(OLD.first_id, OLD.second_id);
	DELETE FROM pair_tallies WHERE cohort_id=OLD.cohort_id AND lo=min(OLD.first_id, OLD.second_id) AND hi=max(OLD.first_id, OLD.second_id) AND n=0;
	UPDATE assessor_tallies SET rating_pairs=rating_pairs-1, exact=exact-(OLD.a=OLD.b), adjacent=adjacent-(abs(OLD.a-OLD.b)<=1)
		WHERE cohort_id=OLD.cohort_id AND assessor_id IN (OLD.first_id, OLD.second_id, 0);
END;
