package assessment

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/db"
	"github.com/casp-cnam/casp/referentiel"
)

// Groups and collective productions. A group writes a collective part (a
// piece whose group_id is the group's: every current member may edit it,
// and each one's saves are counted, so that who wrote what shows); each
// member writes an individual part (their own piece, part_of the
// collective one). A member's result combines both (see joint). A member
// who leaves keeps their individual part; the collective part stays the
// group's.

// Group is a group of learners in a cohort.
type Group struct {
	ID       int64
	CohortID int64
	Name     string
	Members  []GroupMember
}

// GroupMember is a member, past or present.
type GroupMember struct {
	LearnerID int64
	Name      string
	Login     string
	JoinedAt  time.Time
	LeftAt    time.Time
}

// Current says whether the member is still in the group.
func (m GroupMember) Current() bool { return m.LeftAt.IsZero() }

// Author is a member's share in writing a collective part.
type Author struct {
	Name   string
	Saves  int
	First  time.Time
	Last   time.Time
	Member bool // still in the group
}

func (s *Service) loadGroups(ctx context.Context, q db.Querier, where string, args ...any) ([]Group, error) {
	rows, err := q.QueryContext(ctx, `SELECT g.id, g.cohort_id, g.name, coalesce(m.learner_id,0), coalesce(u.display_name,''), coalesce(u.login,''),
		coalesce(m.joined_at,''), coalesce(m.left_at,'') FROM learner_groups g LEFT JOIN group_members m ON m.group_id=g.id LEFT JOIN users u ON u.id=m.learner_id
		WHERE `+where+` ORDER BY g.name COLLATE FRANCAIS, g.id, m.left_at IS NOT NULL, u.display_name COLLATE FRANCAIS`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Group
	for rows.Next() {
		var g Group
		var m GroupMember
		var joined, left string
		if err := rows.Scan(&g.ID, &g.CohortID, &g.Name, &m.LearnerID, &m.Name, &m.Login, &joined, &left); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].ID != g.ID {
			out = append(out, g)
		}
		if m.LearnerID != 0 {
			m.JoinedAt = parseStamp(sql.NullString{String: joined, Valid: true})
			m.LeftAt = parseStamp(sql.NullString{String: left, Valid: left != ""})
			out[len(out)-1].Members = append(out[len(out)-1].Members, m)
		}
	}
	return out, rows.Err()
}

// CohortGroups lists a cohort's groups with their members (the caller
// checks access).
func (s *Service) CohortGroups(ctx context.Context, cohortID int64) ([]Group, error) {
	return s.loadGroups(ctx, s.db.Read, `g.cohort_id=?`, cohortID)
}

// LearnerGroups lists the groups a learner is a current member of.
func (s *Service) LearnerGroups(ctx context.Context, learnerID int64) ([]Group, error) {
	return s.loadGroups(ctx, s.db.Read, `g.id IN (SELECT group_id FROM group_members WHERE learner_id=? AND left_at IS NULL)`, learnerID)
}

// SaveGroup creates a group (id 0) or sets its members: members added
// join; members no longer listed leave (their individual parts stay
// theirs). Managers of the cohort only.
func (s *Service) SaveGroup(ctx context.Context, actor account.User, cohortID, groupID int64, name string, members []int64, address string) (int64, error) {
	name = strings.TrimSpace(name)
	f := map[string]string{}
	if name == "" || len([]rune(name)) > 80 {
		f["nom"] = "Donnez au groupe un nom de 80 caractères au plus."
	}
	if len(members) < 2 {
		f["membres"] = "Un groupe réunit au moins deux apprenants."
	}
	if len(f) > 0 {
		return 0, apperr.Fields(f)
	}
	id := groupID
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.sessionAdmin(ctx, tx, actor, cohortID); err != nil {
			return apperr.New(apperr.Forbidden, "Seul un responsable de cette promotion compose ses groupes.")
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM cohort_members WHERE cohort_id=? AND member_role='learner' AND user_id IN (`+placeholders(members)+`)`,
			cohortID).Scan(&n); err != nil {
			return err
		}
		if n != len(slices.Compact(slices.Sorted(slices.Values(members)))) {
			return apperr.Fields(map[string]string{"membres": "Un groupe ne réunit que des apprenants de la promotion."})
		}
		now := stamp(s.now())
		if id == 0 {
			res, err := tx.ExecContext(ctx, `INSERT INTO learner_groups(cohort_id, name, created_at) VALUES (?,?,?)`, cohortID, name, now)
			if err != nil {
				if strings.Contains(err.Error(), "UNIQUE") {
					return apperr.Fields(map[string]string{"nom": "Un groupe de la promotion porte déjà ce nom."})
				}
				return err
			}
			id, _ = res.LastInsertId()
		} else {
			var co int64
			if err := tx.QueryRowContext(ctx, `SELECT cohort_id FROM learner_groups WHERE id=?`, id).Scan(&co); err != nil || co != cohortID {
				return apperr.New(apperr.NotFound, "Groupe introuvable.")
			}
			if _, err := tx.ExecContext(ctx, `UPDATE learner_groups SET name=? WHERE id=?`, name, id); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE group_members SET left_at=? WHERE group_id=? AND left_at IS NULL AND learner_id NOT IN (`+placeholders(members)+`)`, now, id); err != nil {
			return err
		}
		for _, m := range members {
			if _, err := tx.ExecContext(ctx, `INSERT INTO group_members(group_id, learner_id, joined_at) VALUES (?,?,?)
				ON CONFLICT(group_id, learner_id) DO UPDATE SET left_at=NULL, joined_at=CASE WHEN left_at IS NULL THEN joined_at ELSE excluded.joined_at END`, id, m, now); err != nil {
				return err
			}
		}
		return account.AuditTx(ctx, tx, account.Entry{At: s.now(), ActorID: actor.ID, ActorLogin: actor.Login, Action: account.ActionMembership,
			Target: fmt.Sprintf("groupe %d (promotion %d)", id, cohortID), Address: address, Detail: fmt.Sprintf("%s : %d membre(s)", name, len(members))})
	})
	if err != nil {
		return 0, err
	}
	// Who gains or loses the collective parts sees it in their progress.
	learners, err := db.Column[int64](ctx, s.db.Read, `SELECT learner_id FROM group_members WHERE group_id=?`, id)
	if err != nil {
		return id, err
	}
	for _, l := range learners {
		if err := s.RefreshLearner(ctx, l); err != nil {
			return id, err
		}
	}
	return id, nil
}

// isCurrentMember tells whether a learner belongs to a group now.
func isCurrentMember(ctx context.Context, q db.Querier, groupID, learnerID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM group_members WHERE group_id=? AND learner_id=? AND left_at IS NULL`, groupID, learnerID).Scan(&n)
	return n > 0, err
}

// NewCollectivePiece starts a group's collective part, and an individual
// part for each current member (drafts that each member writes).
func (s *Service) NewCollectivePiece(ctx context.Context, learner account.User, groupID int64, kindID, title string) (Piece, error) {
	fw := s.framework()
	kind, ok := fw.Kind(kindID)
	f := map[string]string{}
	if !ok || !kind.Collective {
		f["kind"] = "Choisissez un type de production que le référentiel fait rédiger en groupe."
	}
	title = strings.TrimSpace(title)
	if title == "" || len([]rune(title)) > 200 {
		f["title"] = "Donnez un titre de 200 caractères au plus à la production collective."
	}
	if len(f) > 0 {
		return Piece{}, apperr.Fields(f)
	}
	var pid int64
	var members []int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		ok, err := isCurrentMember(ctx, tx, groupID, learner.ID)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.New(apperr.Forbidden, "Vous n'êtes pas membre de ce groupe.")
		}
		var cohortID int64
		var name string
		if err := tx.QueryRowContext(ctx, `SELECT cohort_id, name FROM learner_groups WHERE id=?`, groupID).Scan(&cohortID, &name); err != nil {
			return err
		}
		now := stamp(s.now())
		res, err := tx.ExecContext(ctx, `INSERT INTO pieces(learner_id, cohort_id, kind_id, title, draft, draft_saved_at, pseudonym, created_at, group_id)
			VALUES (?,?,?,?,?,?,?,?,?)`, learner.ID, cohortID, kindID, title, starterDraft(kind), now, newPseudonym(), now, groupID)
		if err != nil {
			return err
		}
		pid, _ = res.LastInsertId()
		if members, err = db.Column[int64](ctx, tx, `SELECT learner_id FROM group_members WHERE group_id=? AND left_at IS NULL`, groupID); err != nil {
			return err
		}
		for _, m := range members {
			if _, err := tx.ExecContext(ctx, `INSERT INTO pieces(learner_id, cohort_id, kind_id, title, draft, draft_saved_at, pseudonym, created_at, part_of)
				VALUES (?,?,?,?,?,?,?,?,?)`, m, cohortID, kindID, individualTitle(kind), starterDraft(kind), now, newPseudonym(), now, pid); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Piece{}, err
	}
	for _, m := range members {
		if err := s.RefreshLearner(ctx, m); err != nil {
			return Piece{}, err
		}
	}
	return s.Piece(ctx, learner, pid)
}

// individualTitle names an individual part by its kind only: the
// collective part's title (often the group's subject, sometimes its name)
// would tie an anonymous copy to its group, and a small group to its
// members.
func individualTitle(kind *referentiel.DeliverableKind) string {
	if kind == nil {
		return "Partie individuelle"
	}
	return "Partie individuelle — " + kind.Label
}

// IndividualPart starts the member's individual part of a collective piece
// (for a member who joined after it began); an existing one is returned.
func (s *Service) IndividualPart(ctx context.Context, learner account.User, collectiveID int64) (Piece, error) {
	g, err := s.Piece(ctx, learner, collectiveID)
	if err != nil {
		return g, err
	}
	if g.GroupID == 0 || !g.Writer {
		return Piece{}, apperr.New(apperr.Forbidden, "Seuls les membres du groupe rédigent une partie individuelle.")
	}
	// The unique index on (part_of, learner_id) makes the insert the check:
	// of two requests at once, one starts the part, the other finds it.
	kind, _ := s.framework().Kind(g.KindID)
	now := stamp(s.now())
	res, err := s.db.Write.ExecContext(ctx, `INSERT INTO pieces(learner_id, cohort_id, kind_id, title, draft, draft_saved_at, pseudonym, created_at, part_of)
		VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(part_of, learner_id) WHERE part_of IS NOT NULL DO NOTHING`,
		learner.ID, g.CohortID, g.KindID, individualTitle(kind), starterDraft(kind), now, newPseudonym(), now, collectiveID)
	if err != nil {
		return Piece{}, err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		if err := s.RefreshLearner(ctx, learner.ID); err != nil {
			return Piece{}, err
		}
	}
	var id int64
	if err := s.db.Write.QueryRowContext(ctx, `SELECT id FROM pieces WHERE part_of=? AND learner_id=?`, collectiveID, learner.ID).Scan(&id); err != nil {
		return Piece{}, err
	}
	return s.Piece(ctx, learner, id)
}

// Authors lists who saved a collective part's draft, most saves first.
func (s *Service) Authors(ctx context.Context, p Piece) ([]Author, error) {
	if p.GroupID == 0 {
		return nil, nil
	}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT u.display_name, a.saves, a.first_at, a.last_at,
		EXISTS (SELECT 1 FROM group_members m WHERE m.group_id=? AND m.learner_id=a.user_id AND m.left_at IS NULL)
		FROM piece_authors a JOIN users u ON u.id=a.user_id WHERE a.piece_id=? ORDER BY a.saves DESC, u.display_name COLLATE FRANCAIS`, p.GroupID, p.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Author
	for rows.Next() {
		var a Author
		var first, last string
		if err := rows.Scan(&a.Name, &a.Saves, &first, &last, &a.Member); err != nil {
			return nil, err
		}
		a.First = parseStamp(sql.NullString{String: first, Valid: true})
		a.Last = parseStamp(sql.NullString{String: last, Valid: true})
		out = append(out, a)
	}
	return out, rows.Err()
}

// GroupPieces lists the collective parts of groups (the caller checks access).
func (s *Service) GroupPieces(ctx context.Context, groupIDs []int64) ([]Piece, error) {
	if len(groupIDs) == 0 {
		return nil, nil
	}
	return db.Collect(ctx, s.db.Read, func(r db.Row) (Piece, error) { return scanPiece(r) },
		`SELECT `+pieceCols+` FROM pieces p JOIN users u ON u.id=p.learner_id WHERE p.group_id IN (`+placeholders(groupIDs)+`) ORDER BY p.created_at DESC, p.id DESC`)
}

// refreshPiece refreshes the coverage of a piece's learner, and of every
// member of its group for a collective part.
func (s *Service) refreshPiece(ctx context.Context, pieceID, learnerID int64) error {
	ids, err := db.Column[int64](ctx, s.db.Read, `SELECT learner_id FROM group_members WHERE left_at IS NULL AND group_id=(SELECT group_id FROM pieces WHERE id=?)`, pieceID)
	if err != nil {
		return err
	}
	if !slices.Contains(ids, learnerID) {
		ids = append(ids, learnerID)
	}
	for _, id := range ids {
		if err := s.RefreshLearner(ctx, id); err != nil {
			return err
		}
	}
	return nil
}
