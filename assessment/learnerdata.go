package assessment

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/db"
	"github.com/casp-cnam/casp/internal/french"
	"github.com/casp-cnam/casp/referentiel"
)

// The right of access (export) and the right to erasure of a learner's
// portfolio: what the export holds, and what erasure deletes.

// Ref is a framework element as exported: its stable id and the source text.
type Ref struct {
	ID   string `json:"id"`
	Text string `json:"texte"`
}

// PortfolioExport is everything the portfolio holds on a learner, ready to
// be written as JSON (French keys: the learner reads it), with the files
// to copy beside it.
type PortfolioExport struct {
	LearnerID int64              `json:"apprenant"`
	Framework string             `json:"referentiel"`
	Rule      string             `json:"regle_acquisition"`
	Pieces    []PieceExport      `json:"pieces"`
	Progress  []CapacityExport   `json:"progression"`
	Jury      []JuryExport       `json:"decisions_jury"`
	Live      []LiveExport       `json:"epreuves"`
	Files     []ExportFile       `json:"-"`
	Deposits  []DepositRef       `json:"-"`
	Generated time.Time          `json:"genere_le"`
	Scale     map[int64][]string `json:"echelles_par_promotion"`
}

// LiveExport is one passage of a live evaluation whose convocation the
// learner received: as sent and as it stands, and the attendance (the
// result is in the passage's piece, under « pieces »). The jury members'
// notes are theirs, private to each: they are in the member's export
// (JuryNotes), not in the learner's.
type LiveExport struct {
	Session    string    `json:"session"`
	Kind       Ref       `json:"epreuve"`
	CohortID   int64     `json:"promotion"`
	Position   int       `json:"passage"`
	StartsAt   time.Time `json:"debut"`
	Minutes    int       `json:"duree_minutes"`
	Place      string    `json:"lieu"`
	Link       string    `json:"lien,omitempty"`
	Jury       []string  `json:"jury"`
	Attendance string    `json:"presence"`
	Sent       bool      `json:"convocation_envoyee"`
	Changes    []string  `json:"modifications_depuis_envoi,omitempty"`
	PieceID    int64     `json:"piece,omitempty"`
}

// JuryNoteExport is a jury member's own notes on a passage, for their
// export.
type JuryNoteExport struct {
	Session   string    `json:"session"`
	Kind      Ref       `json:"epreuve"`
	CohortID  int64     `json:"promotion"`
	Candidate string    `json:"candidat"`
	Position  int       `json:"passage"`
	StartsAt  time.Time `json:"debut"`
	Notes     string    `json:"notes"`
	At        time.Time `json:"enregistrees_le"`
}

// JuryNotes lists the notes a jury member took on passages, for their own
// export (an administrator's, or theirs).
func (s *Service) JuryNotes(ctx context.Context, viewer account.User, memberID int64) ([]JuryNoteExport, error) {
	if viewer.Role != account.Admin && viewer.ID != memberID {
		return nil, apperr.New(apperr.Forbidden, "Seul un administrateur, ou la personne elle-même, exporte ses données.")
	}
	fw := s.framework()
	rows, err := s.db.Read.QueryContext(ctx, `SELECT s.title, s.kind_id, s.cohort_id, u.display_name, sl.position, s.starts_at, s.slot_minutes, n.notes, n.updated_at
		FROM eval_notes n JOIN eval_slots sl ON sl.id=n.slot_id JOIN eval_sessions s ON s.id=sl.session_id JOIN users u ON u.id=sl.learner_id
		WHERE n.user_id=? AND n.notes<>'' ORDER BY s.starts_at, sl.position, sl.id`, memberID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []JuryNoteExport{}
	for rows.Next() {
		var e JuryNoteExport
		var kind, start, at string
		var minutes int
		if err := rows.Scan(&e.Session, &kind, &e.CohortID, &e.Candidate, &e.Position, &start, &minutes, &e.Notes, &at); err != nil {
			return nil, err
		}
		e.Kind = Ref{ID: kind, Text: kind}
		if k, ok := fw.LiveKind(kind); ok {
			e.Kind.Text = k.Label
		}
		e.StartsAt = parseStamp(sql.NullString{String: start, Valid: true}).Add(time.Duration((e.Position-1)*minutes) * time.Minute).UTC()
		e.At = parseStamp(sql.NullString{String: at, Valid: true})
		out = append(out, e)
	}
	return out, rows.Err()
}

// PieceExport is one piece with its draft and every deposited version.
type PieceExport struct {
	ID            int64           `json:"id"`
	Title         string          `json:"titre"`
	Kind          Ref             `json:"type_production"`
	CohortID      int64           `json:"promotion"`
	Status        string          `json:"statut"`
	Pseudonym     string          `json:"pseudonyme_de_copie"`
	DoubleMarking bool            `json:"double_correction"`
	CreatedAt     time.Time       `json:"creee_le"`
	DepositedAt   *time.Time      `json:"dernier_depot_le,omitempty"`
	Draft         DraftExport     `json:"brouillon"`
	Versions      []VersionExport `json:"versions"`
}

// DraftExport is the piece's working draft.
type DraftExport struct {
	Body        string             `json:"contenu"`
	SavedAt     time.Time          `json:"enregistre_le"`
	Links       []LinkExport       `json:"capacites"`
	Attachments []AttachmentExport `json:"pieces_jointes"`
}

// LinkExport is a capacity a piece claims to evidence.
type LinkExport struct {
	Capacity      Ref    `json:"capacite"`
	Justification string `json:"justification,omitempty"`
	FromKind      bool   `json:"par_le_type_de_production"`
}

// VersionExport is a deposited version with its gradings.
type VersionExport struct {
	Number      int                `json:"numero"`
	Title       string             `json:"titre"`
	Body        string             `json:"contenu"`
	SHA256      string             `json:"empreinte_sha256"`
	DepositedAt time.Time          `json:"deposee_le"`
	Links       []LinkExport       `json:"capacites"`
	Criteria    []Ref              `json:"criteres_evalues"`
	Attachments []AttachmentExport `json:"pieces_jointes"`
	PDF         string             `json:"pdf,omitempty"`
	Result      *ResultExport      `json:"resultat,omitempty"`
	Gradings    []GradingExport    `json:"evaluations"`
}

// AttachmentExport describes a file; File is its path in the archive.
type AttachmentExport struct {
	Name    string    `json:"nom"`
	MIME    string    `json:"type"`
	Size    int64     `json:"taille_octets"`
	SHA256  string    `json:"empreinte_sha256"`
	AddedAt time.Time `json:"ajoutee_le"`
	File    string    `json:"fichier"`
}

// GradingExport is one assessor's grading. Levels, comments, decision and
// feedback appear once released: before, they are the assessor's work in
// progress, not yet a result.
type GradingExport struct {
	ID         int64         `json:"id"`
	Assessor   string        `json:"evaluateur"`
	Role       string        `json:"role"`
	State      string        `json:"etat"`
	Decision   string        `json:"decision,omitempty"`
	Feedback   string        `json:"retour,omitempty"`
	Scores     []ScoreExport `json:"criteres,omitempty"`
	Supersedes int64         `json:"rectifie_evaluation,omitempty"`
	CreatedAt  time.Time     `json:"ouverte_le"`
	ReleasedAt *time.Time    `json:"publiee_le,omitempty"`
}

// ScoreExport is a level on one criterion.
type ScoreExport struct {
	Criterion Ref      `json:"critere"`
	Level     *int     `json:"niveau"`
	Label     string   `json:"niveau_libelle"`
	Comments  []string `json:"commentaires,omitempty"`
}

// ResultExport is the version's released result, as the learner sees it.
type ResultExport struct {
	Decision   string        `json:"decision"`
	Levels     []ScoreExport `json:"criteres"`
	Feedback   []string      `json:"retours,omitempty"`
	ReleasedAt time.Time     `json:"publie_le"`
	Merged     bool          `json:"deux_corrections_concordantes"`
}

// CapacityExport is the learner's state on one capacity.
type CapacityExport struct {
	Capacity Ref    `json:"capacite"`
	State    string `json:"etat"`
	Pieces   int    `json:"pieces_reliees"`
}

// JuryExport is a certification jury decision on the learner.
type JuryExport struct {
	ID             int64     `json:"id"`
	CohortID       int64     `json:"promotion"`
	JuryDate       string    `json:"date_du_jury"`
	Members        []string  `json:"membres_du_jury"`
	Outcome        string    `json:"decision"`
	Activities     []string  `json:"activites_validees"`
	Comments       string    `json:"motivation,omitempty"`
	Proposal       string    `json:"proposition_de_la_plateforme"`
	SnapshotSHA256 string    `json:"empreinte_du_dossier_scelle"`
	Corrects       int64     `json:"rectifie_decision,omitempty"`
	RecordedBy     string    `json:"enregistree_par"`
	RecordedAt     time.Time `json:"enregistree_le"`
}

// ExportFile is an attachment to copy into the archive: Path in the
// archive, Disk where it is stored.
type ExportFile struct {
	Path   string
	Disk   string
	SHA256 string
}

// DepositRef names a deposited version, whose PDF the archive may hold.
type DepositRef struct {
	PieceID int64
	Number  int
}

// SetPDF records where the archive holds a version's PDF.
func (e *PortfolioExport) SetPDF(pieceID int64, number int, path string) {
	for i := range e.Pieces {
		if e.Pieces[i].ID != pieceID {
			continue
		}
		for j := range e.Pieces[i].Versions {
			if e.Pieces[i].Versions[j].Number == number {
				e.Pieces[i].Versions[j].PDF = path
			}
		}
	}
}

// ExportLearner gathers a learner's portfolio for their export. Only an
// administrator or the learner themself may export it.
func (s *Service) ExportLearner(ctx context.Context, viewer account.User, learnerID int64) (PortfolioExport, error) {
	if viewer.Role != account.Admin && viewer.ID != learnerID {
		return PortfolioExport{}, apperr.New(apperr.Forbidden, "Seul un administrateur, ou la personne elle-même, exporte ses données.")
	}
	fw := s.framework()
	out := PortfolioExport{LearnerID: learnerID, Framework: fw.ID, Generated: s.now().UTC(), Scale: map[int64][]string{},
		Pieces: []PieceExport{}, Progress: []CapacityExport{}, Jury: []JuryExport{}, Live: []LiveExport{}}
	pieces, err := s.LearnerPieces(ctx, learnerID)
	if err != nil {
		return out, err
	}
	slices.Reverse(pieces) // oldest first, as they were written
	settings := map[int64]Settings{}
	files := map[string]string{} // stored name → path in the archive
	for _, p := range pieces {
		st, ok := settings[p.CohortID]
		if !ok {
			if st, err = s.Settings(ctx, p.CohortID); err != nil {
				return out, err
			}
			settings[p.CohortID] = st
			out.Scale[p.CohortID] = st.Levels
		}
		pe, err := s.exportPiece(ctx, p, st, files, &out)
		if err != nil {
			return out, err
		}
		out.Pieces = append(out.Pieces, pe)
	}
	prog, err := s.Progress(ctx, learnerID)
	if err != nil {
		return out, err
	}
	out.Rule = prog.Rule
	for _, a := range prog.Activities {
		for _, t := range a.Tasks {
			for _, c := range t.Capacities {
				out.Progress = append(out.Progress, CapacityExport{Capacity: Ref{c.Capacity.ID, c.Capacity.Text}, State: c.State.Label(), Pieces: len(c.Pieces)})
			}
		}
	}
	if out.Live, err = s.exportLive(ctx, learnerID); err != nil {
		return out, err
	}
	decisions, err := s.JuryDecisions(ctx, learnerID)
	if err != nil {
		return out, err
	}
	for _, d := range decisions {
		acts := d.Activities
		if acts == nil {
			acts = []string{}
		}
		out.Jury = append(out.Jury, JuryExport{ID: d.ID, CohortID: d.CohortID, JuryDate: d.JuryDate.Format(time.DateOnly), Members: d.Members,
			Outcome: d.Outcome.Label(), Activities: acts, Comments: d.Comments, Proposal: d.Proposal.Label(), SnapshotSHA256: d.SnapshotSHA256,
			Corrects: d.CorrectsID, RecordedBy: d.RecordedBy, RecordedAt: d.RecordedAt})
	}
	return out, nil
}

// exportLive lists the learner's passages as they see them: those whose
// convocation they received (LearnerConvocations), without the jury's notes.
func (s *Service) exportLive(ctx context.Context, learnerID int64) ([]LiveExport, error) {
	convs, err := s.LearnerConvocations(ctx, learnerID)
	if err != nil {
		return nil, err
	}
	out := []LiveExport{}
	for _, c := range convs {
		se, sl := c.Session, c.Slot
		var jury []string
		for _, m := range se.Jury {
			jury = append(jury, m.Name)
		}
		out = append(out, LiveExport{Session: se.Title, Kind: Ref{se.Kind.ID, se.Kind.Label}, CohortID: se.CohortID, Position: sl.Position, StartsAt: sl.StartsAt.UTC(),
			Minutes: se.SlotMinutes, Place: se.Place, Link: se.Link, Jury: jury, Attendance: sl.Attendance.Label(), Sent: sl.Sent != nil,
			Changes: c.Changes, PieceID: sl.PieceID})
	}
	return out, nil
}

func (s *Service) exportPiece(ctx context.Context, p Piece, st Settings, files map[string]string, out *PortfolioExport) (PieceExport, error) {
	fw := s.framework()
	kind := Ref{ID: p.KindID, Text: fw.KindLabel(p.KindID)}
	pe := PieceExport{ID: p.ID, Title: p.Title, Kind: kind, CohortID: p.CohortID, Status: p.Status.Label(), Pseudonym: p.Pseudonym,
		DoubleMarking: p.DoubleMarking, CreatedAt: p.CreatedAt, Versions: []VersionExport{}}
	if !p.DepositedAt.IsZero() {
		at := p.DepositedAt
		pe.DepositedAt = &at
	}
	links, err := s.Links(ctx, p)
	if err != nil {
		return pe, err
	}
	drafts, err := s.attachmentsOf(ctx, s.db.Read, p.ID, 0)
	if err != nil {
		return pe, err
	}
	pe.Draft = DraftExport{Body: p.Draft, SavedAt: p.DraftSavedAt, Links: exportLinks(fw, links), Attachments: s.exportAttachments(p.ID, drafts, files, out)}
	versions, err := s.VersionsWithResults(ctx, p)
	if err != nil {
		return pe, err
	}
	ids := make([]int64, len(versions))
	for i, v := range versions {
		ids[i] = v.Version.ID
	}
	gradings, err := gradingsForVersions(ctx, s.db.Read, ids)
	if err != nil {
		return pe, err
	}
	slices.Reverse(versions) // version 1 first
	for _, vr := range versions {
		v := vr.Version
		ve := VersionExport{Number: v.Number, Title: v.Title, Body: v.Body, SHA256: v.SHA256, DepositedAt: v.DepositedAt,
			Links: exportLinks(fw, v.Links), Criteria: []Ref{}, Attachments: s.exportAttachments(p.ID, v.Attachments, files, out),
			Gradings: []GradingExport{}}
		for _, c := range v.Criteria {
			ve.Criteria = append(ve.Criteria, criterionRef(fw, c))
		}
		out.Deposits = append(out.Deposits, DepositRef{PieceID: p.ID, Number: v.Number})
		if r := vr.Result; r != nil {
			re := &ResultExport{Decision: r.Decision.Label(), Levels: []ScoreExport{}, Feedback: r.Feedback, ReleasedAt: r.ReleasedAt, Merged: r.Merged}
			for _, c := range v.Criteria {
				if l, ok := r.Levels[c]; ok {
					re.Levels = append(re.Levels, score(fw, st, c, l, r.Comments[c]))
				}
			}
			ve.Result = re
		}
		for _, g := range gradings[v.ID] {
			ge := GradingExport{ID: g.ID, Assessor: g.AssessorName, Role: g.Role.Label(), State: g.State.Label(), Supersedes: g.SupersedesID, CreatedAt: g.CreatedAt}
			if g.State == Released || g.State == Withdrawn {
				ge.Decision, ge.Feedback = g.Decision.Label(), g.Feedback
				if !g.ReleasedAt.IsZero() {
					at := g.ReleasedAt
					ge.ReleasedAt = &at
				}
				for _, c := range gradedOrder(v.Criteria, g.Scores) {
					sc := g.Scores[c]
					var comments []string
					if sc.Comment != "" {
						comments = []string{sc.Comment}
					}
					ge.Scores = append(ge.Scores, score(fw, st, c, sc.Level, comments))
				}
			}
			ve.Gradings = append(ve.Gradings, ge)
		}
		pe.Versions = append(pe.Versions, ve)
	}
	return pe, nil
}

// gradedOrder lists a grading's criteria in the version's order, then any
// other it rates.
func gradedOrder(criteria []string, scores map[string]Score) []string {
	out := make([]string, 0, len(scores))
	for _, c := range criteria {
		if _, ok := scores[c]; ok {
			out = append(out, c)
		}
	}
	var rest []string
	for c := range scores {
		if !slices.Contains(criteria, c) {
			rest = append(rest, c)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

func score(fw *referentiel.Framework, st Settings, criterionID string, level int, comments []string) ScoreExport {
	sc := ScoreExport{Criterion: criterionRef(fw, criterionID), Label: st.LevelLabel(level), Comments: comments}
	if level >= 0 {
		l := level
		sc.Level = &l
	}
	return sc
}

// exportAttachments describes attachments and schedules each stored file
// once, even when a draft and its versions share it.
func (s *Service) exportAttachments(pieceID int64, list []Attachment, files map[string]string, out *PortfolioExport) []AttachmentExport {
	res := []AttachmentExport{}
	for _, a := range list {
		p, ok := files[a.StoredName]
		if !ok {
			p = fmt.Sprintf("pieces-jointes/piece-%d/%d-%s", pieceID, a.ID, archiveName(a.OriginalName))
			files[a.StoredName] = p
			out.Files = append(out.Files, ExportFile{Path: p, Disk: filepath.Join(s.filesDir, filepath.Base(a.StoredName)), SHA256: a.SHA256})
		}
		res = append(res, AttachmentExport{Name: a.OriginalName, MIME: a.MIME, Size: a.Size, SHA256: a.SHA256, AddedAt: a.CreatedAt, File: p})
	}
	return res
}

// archiveName keeps a file name inside its folder of the archive.
func archiveName(name string) string {
	name = strings.NewReplacer("/", "-", "\\", "-", "\x00", "").Replace(name)
	if name = path.Base(name); name == "." || name == ".." || name == "" {
		return "fichier"
	}
	return name
}

func exportLinks(fw *referentiel.Framework, links []CapacityLink) []LinkExport {
	out := []LinkExport{}
	for _, l := range links {
		out = append(out, LinkExport{Capacity: capacityRef(fw, l.CapacityID), Justification: l.Justification, FromKind: l.FromKind})
	}
	return out
}

func capacityRef(fw *referentiel.Framework, id string) Ref {
	if t, ok := fw.Task(referentiel.TaskOf(id)); ok {
		if c := t.Capacity(id); c != nil {
			return Ref{ID: id, Text: c.Text}
		}
	}
	return Ref{ID: id}
}

func criterionRef(fw *referentiel.Framework, id string) Ref {
	if t, ok := fw.Task(referentiel.TaskOf(id)); ok {
		if c := t.Criterion(id); c != nil {
			return Ref{ID: id, Text: c.Text}
		}
	}
	return Ref{ID: id}
}

// Holdings counts what the portfolio holds on a learner.
type Holdings struct {
	Pieces, Versions, Attachments, Gradings, JuryDecisions int
	Slots                                                  int // passages of live evaluations
	AttachmentBytes                                        int64
}

// LearnerHoldings counts a learner's portfolio data, for the administrator's
// data page and the erasure confirmation.
func (s *Service) LearnerHoldings(ctx context.Context, learnerID int64) (Holdings, error) {
	return holdings(ctx, s.db.Read, learnerID)
}

func holdings(ctx context.Context, q db.Querier, learnerID int64) (Holdings, error) {
	var h Holdings
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM pieces WHERE learner_id=?1),
		(SELECT count(*) FROM piece_versions v JOIN pieces p ON p.id=v.piece_id WHERE p.learner_id=?1),
		(SELECT count(*) FROM (SELECT DISTINCT a.stored_name FROM attachments a JOIN pieces p ON p.id=a.piece_id WHERE p.learner_id=?1)),
		(SELECT coalesce(sum(size),0) FROM (SELECT DISTINCT a.stored_name, a.size FROM attachments a JOIN pieces p ON p.id=a.piece_id WHERE p.learner_id=?1)),
		(SELECT count(*) FROM gradings g JOIN piece_versions v ON v.id=g.version_id JOIN pieces p ON p.id=v.piece_id WHERE p.learner_id=?1),
		(SELECT count(*) FROM jury_decisions WHERE learner_id=?1),
		(SELECT count(*) FROM eval_slots WHERE learner_id=?1)`, learnerID).
		Scan(&h.Pieces, &h.Versions, &h.Attachments, &h.AttachmentBytes, &h.Gradings, &h.JuryDecisions, &h.Slots)
	return h, err
}

// ErasedPortfolio is what erasing a learner's portfolio removed; Files are
// the stored attachments to delete from disk once the transaction commits.
type ErasedPortfolio struct {
	Holdings
	Files []string
}

// Summary says what was erased, in counts only (for the audit log).
func (e ErasedPortfolio) Summary() string {
	return fmt.Sprintf("%d pièce(s), %d version(s), %d évaluation(s), %d pièce(s) jointe(s), %d passage(s) d'épreuve effacés ; %d décision(s) de jury conservée(s)",
		e.Pieces, e.Versions, e.Gradings, e.Attachments, e.Slots, e.JuryDecisions)
}

// EraseLearner deletes, inside the erasure's transaction, a learner's
// pieces with their versions, links, attachments rows, gradings and scores
// (the schema cascades from pieces), and their coverage rows; the cohorts'
// graded criteria are recomputed without them. Jury decisions are kept:
// they are the certifier's records (the database refuses to delete them).
// The files are removed by RemoveFiles after the commit, so that a rollback
// never leaves rows pointing to deleted files.
func (s *Service) EraseLearner(ctx context.Context, tx *sql.Tx, learnerID int64) (ErasedPortfolio, error) {
	var e ErasedPortfolio
	var err error
	if e.Holdings, err = holdings(ctx, tx, learnerID); err != nil {
		return e, err
	}
	if e.Files, err = column[string](ctx, tx, `SELECT DISTINCT a.stored_name FROM attachments a JOIN pieces p ON p.id=a.piece_id WHERE p.learner_id=?`, learnerID); err != nil {
		return e, err
	}
	cohorts, err := column[int64](ctx, tx, `SELECT DISTINCT cohort_id FROM pieces WHERE learner_id=?
		UNION SELECT cohort_id FROM cohort_members WHERE user_id=? AND member_role='learner'`, learnerID, learnerID)
	if err != nil {
		return e, err
	}
	// A collective part the learner started stays the group's: it passes
	// to another member (it goes only with the last one).
	if _, err := tx.ExecContext(ctx, `UPDATE pieces SET learner_id=(SELECT m.learner_id FROM group_members m WHERE m.group_id=pieces.group_id
		AND m.learner_id<>?1 ORDER BY m.left_at IS NOT NULL, m.joined_at LIMIT 1)
		WHERE learner_id=?1 AND group_id IS NOT NULL AND EXISTS (SELECT 1 FROM group_members m WHERE m.group_id=pieces.group_id AND m.learner_id<>?1)`, learnerID); err != nil {
		return e, err
	}
	for _, q := range []string{
		`DELETE FROM piece_authors WHERE user_id=?`,
		`DELETE FROM group_members WHERE learner_id=?`,
		`UPDATE pieces SET part_of=NULL WHERE part_of IN (SELECT id FROM pieces WHERE learner_id=?1) AND learner_id<>?1`,
		`DELETE FROM pieces WHERE learner_id=?`,
		// Passages, with the jury's notes on them (the sessions stay).
		`DELETE FROM eval_slots WHERE learner_id=?`,
		`DELETE FROM learner_capacities WHERE learner_id=?`,
		`DELETE FROM learner_stats WHERE learner_id=?`,
	} {
		if _, err := tx.ExecContext(ctx, q, learnerID); err != nil {
			return e, err
		}
	}
	// cohort_graded_criteria only ever grows elsewhere (RebuildCoverage
	// inserts, never removes): a criterion only this learner's gradings
	// covered must leave the cohort's coverage with them.
	for _, c := range cohorts {
		if _, err := tx.ExecContext(ctx, `DELETE FROM cohort_graded_criteria WHERE cohort_id=?`, c); err != nil {
			return e, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO cohort_graded_criteria(cohort_id, criterion_id)
			SELECT DISTINCT p.cohort_id, sc.criterion_id FROM grading_scores sc JOIN gradings g ON g.id=sc.grading_id
			JOIN piece_versions v ON v.id=g.version_id JOIN pieces p ON p.id=v.piece_id
			WHERE p.cohort_id=? AND g.state='publie' AND sc.level IS NOT NULL`, c); err != nil {
			return e, err
		}
	}
	return e, nil
}

// column reads a one-column query.
func column[T any](ctx context.Context, tx *sql.Tx, q string, args ...any) ([]T, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// RemoveFiles deletes erased attachments from disk. A file already gone is
// not an error; any other failure is reported with the others.
func (s *Service) RemoveFiles(names []string) error {
	var errs []error
	for _, n := range names {
		err := os.Remove(filepath.Join(s.filesDir, filepath.Base(n)))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// AttachmentSize is the attachments' total size, the French way.
func (h Holdings) AttachmentSize() string { return french.Size(h.AttachmentBytes) }
