package assessment

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/casp-cnam/casp/internal/db"
)

// Marking statistics are kept as facts derived from each piece, summed by
// triggers into tallies (migration 010): the assessors' page and the
// marking-rules page read the tallies, never the cohort's every grading.

// turnaroundSplit is the first bucket counted in tenths of a day: turnarounds
// are kept to the hour below 48 h, to 2.4 h beyond (the precision they are
// shown with, « 3,4 jours »).
const turnaroundSplit = 48

// bucketDuration is the start of a turnaround bucket.
func bucketDuration(b int64) time.Duration {
	if b < turnaroundSplit {
		return time.Duration(b) * time.Hour
	}
	return turnaroundSplit*time.Hour + time.Duration(b-turnaroundSplit)*(24*time.Hour/10)
}

// turnaroundSQL is the bucket of a released grading, in SQL (the same
// rule as bucketDuration; seconds are whole, negative spans count as 0).
const turnaroundSQL = `CASE WHEN max(0, unixepoch(g.released_at)-unixepoch(v.deposited_at)) < 172800
	THEN max(0, unixepoch(g.released_at)-unixepoch(v.deposited_at))/3600
	ELSE 48 + (unixepoch(g.released_at)-unixepoch(v.deposited_at)-172800)/8640 END`

// factStatements rewrite the facts of the pieces that %[1]s (a condition on
// pieces p, with one parameter) selects: the old facts go, and with them
// their share of the tallies; the new ones come in and add theirs.
var factStatements = []string{
	`DELETE FROM grading_facts WHERE piece_id IN (SELECT p.id FROM pieces p WHERE %[1]s)`,
	`DELETE FROM waiting_people WHERE piece_id IN (SELECT p.id FROM pieces p WHERE %[1]s)`,
	`DELETE FROM waiting_facts WHERE piece_id IN (SELECT p.id FROM pieces p WHERE %[1]s)`,
	`DELETE FROM agreement_levels WHERE piece_id IN (SELECT p.id FROM pieces p WHERE %[1]s)`,
	`DELETE FROM agreement_facts WHERE piece_id IN (SELECT p.id FROM pieces p WHERE %[1]s)`,
	// Every grading: released, under way, arbitration, turnaround.
	`INSERT INTO grading_facts(grading_id, piece_id, cohort_id, assessor_id, released, in_progress, arbitration, turnaround)
	SELECT g.id, p.id, p.cohort_id, g.assessor_id, g.released_at IS NOT NULL,
		g.released_at IS NULL AND g.state IN ('en_cours','pret'),
		g.released_at IS NOT NULL AND g.role='tiers',
		CASE WHEN g.released_at IS NOT NULL AND g.role<>'correction' THEN ` + turnaroundSQL + ` END
	FROM pieces p JOIN piece_versions v ON v.piece_id=p.id JOIN gradings g ON g.version_id=v.id WHERE %[1]s`,
	// Waiting pieces and who may open a grading of them (the rules of
	// nextRole): an arbitration nobody took is open to assessors and
	// managers; a piece with fewer markers than it needs, to assessors.
	`INSERT INTO waiting_facts(piece_id, cohort_id, class, hour, started)
	SELECT p.id, p.cohort_id,
		CASE WHEN p.status='moderation' THEN
			CASE WHEN EXISTS (SELECT 1 FROM gradings g WHERE g.version_id=p.latest_version_id AND g.role='tiers' AND g.state<>'clos') THEN 'N' ELSE 'M' END
		WHEN (SELECT count(*) FROM gradings g WHERE g.version_id=p.latest_version_id AND g.role IN ('simple','premier','second') AND g.state<>'clos')
			< CASE WHEN p.double_marking THEN 2 ELSE 1 END THEN 'A'
		ELSE 'N' END,
		unixepoch(v.deposited_at)/3600,
		EXISTS (SELECT 1 FROM gradings g WHERE g.version_id=p.latest_version_id AND g.state IN ('en_cours','pret'))
	FROM pieces p JOIN piece_versions v ON v.id=p.latest_version_id
	WHERE %[1]s AND p.status IN ('depose','en_evaluation','moderation')`,
	`INSERT INTO waiting_people(piece_id, assessor_id, cohort_id, class, hour, own, marker)
	SELECT w.piece_id, g.assessor_id, w.cohort_id, w.class, w.hour, max(g.state IN ('en_cours','pret')), max(g.role IN ('premier','second'))
	FROM pieces p JOIN waiting_facts w ON w.piece_id=p.id JOIN gradings g ON g.version_id=p.latest_version_id
	WHERE %[1]s AND g.state<>'clos' GROUP BY w.piece_id, g.assessor_id`,
	// Versions with both blind gradings released, and their shared ratings.
	`INSERT INTO agreement_facts(version_id, piece_id, cohort_id, first_grading, second_grading, first_id, second_id, moderated)
	SELECT v.id, p.id, p.cohort_id, f.id, s.id, f.assessor_id, s.assessor_id,
		EXISTS (SELECT 1 FROM gradings t WHERE t.version_id=v.id AND t.role='tiers')
	FROM pieces p JOIN piece_versions v ON v.piece_id=p.id
	JOIN gradings f ON f.id=(SELECT max(id) FROM gradings WHERE version_id=v.id AND role='premier' AND state='publie')
	JOIN gradings s ON s.id=(SELECT max(id) FROM gradings WHERE version_id=v.id AND role='second' AND state='publie')
	WHERE %[1]s`,
	`INSERT INTO agreement_levels(version_id, criterion_id, piece_id, cohort_id, first_id, second_id, a, b)
	SELECT af.version_id, sa.criterion_id, af.piece_id, af.cohort_id, af.first_id, af.second_id, sa.level, sb.level
	FROM pieces p JOIN agreement_facts af ON af.piece_id=p.id
	JOIN grading_scores sa ON sa.grading_id=af.first_grading
	JOIN grading_scores sb ON sb.grading_id=af.second_grading AND sb.criterion_id=sa.criterion_id
	WHERE %[1]s AND sa.level >= 0 AND sb.level >= 0`,
}

// writeFacts rewrites the marking facts of the pieces cond selects.
func writeFacts(ctx context.Context, tx *sql.Tx, cond string, arg any) error {
	for _, q := range factStatements {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(q, cond), arg); err != nil {
			return fmt.Errorf("statistiques d'évaluation : %w", err)
		}
	}
	return nil
}

// pieceFacts rewrites one piece's facts (refreshStatus calls it, in the
// transaction that changed the piece).
func pieceFacts(ctx context.Context, tx *sql.Tx, pieceID int64) error {
	return writeFacts(ctx, tx, "p.id=?", pieceID)
}

// RebuildMarkingStats recomputes a cohort's marking statistics from its
// pieces, in one transaction: after a bulk write that went around the
// service (casp seed), and at start-up for cohorts a migration marked.
func (s *Service) RebuildMarkingStats(ctx context.Context, cohortID int64) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := writeFacts(ctx, tx, "p.cohort_id=?", cohortID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM marking_stats_pending WHERE cohort_id=?`, cohortID)
		return err
	})
}

// RebuildPendingStats builds the statistics of the cohorts that were there
// before they were kept (migration 010); it returns how many it built.
func (s *Service) RebuildPendingStats(ctx context.Context) (int, error) {
	ids, err := db.Column[int64](ctx, s.db.Write, `SELECT cohort_id FROM marking_stats_pending ORDER BY cohort_id`)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := s.RebuildMarkingStats(ctx, id); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}
