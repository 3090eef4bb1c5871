package assessment

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"math/big"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/db"
	"github.com/casp-cnam/casp/referentiel"
)

// Service is the portfolio and assessment store. Every method that reads or
// changes a piece checks the caller's role and their tie to the piece
// (owner, or staff of its cohort).
type Service struct {
	db       *db.DB
	cat      *referentiel.Catalog
	filesDir string
	now      func() time.Time
	rosters  rosterCache
}

// New returns the service; attachments are stored under filesDir, outside
// anything the web server serves.
func New(d *db.DB, cat *referentiel.Catalog, filesDir string) *Service {
	return &Service{db: d, cat: cat, filesDir: filesDir, now: time.Now}
}

// SetClock replaces the clock (demo seeding, tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

func (s *Service) framework() *referentiel.Framework { return s.cat.Default() }

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseStamp(v sql.NullString) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339Nano, v.String)
	return t
}

var errNoPiece = apperr.New(apperr.NotFound, "Pièce introuvable.")

// access is how a viewer relates to a cohort's pieces.
type access int

const (
	noAccess access = iota
	ownerAccess
	assessorAccess
	managerAccess
	adminAccess
)

// accessTo tells how viewer may act on a piece of learnerID in cohortID.
func (s *Service) accessTo(ctx context.Context, viewer account.User, learnerID, cohortID int64) (access, error) {
	switch viewer.Role {
	case account.Admin:
		return adminAccess, nil
	case account.Learner:
		if viewer.ID == learnerID {
			return ownerAccess, nil
		}
		return noAccess, nil
	}
	if viewer.External { // an external jury member reaches only their sessions (live.go)
		return noAccess, nil
	}
	var role string
	err := s.db.Read.QueryRowContext(ctx, `SELECT member_role FROM cohort_members WHERE cohort_id=? AND user_id=? AND member_role IN ('assessor','manager')
		ORDER BY member_role='manager' DESC LIMIT 1`, cohortID, viewer.ID).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return noAccess, nil
	}
	if err != nil {
		return noAccess, err
	}
	if role == "manager" {
		return managerAccess, nil
	}
	return assessorAccess, nil
}

func forbidden() error {
	return apperr.New(apperr.Forbidden, "Vous n'avez pas accès à cette pièce.")
}

// pseudonymAlphabet avoids letters and digits that read alike (0/O, 1/I).
const pseudonymAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

func newPseudonym() string {
	b := []byte("Copie ")
	for i := 0; i < 5; i++ {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(pseudonymAlphabet))))
		b = append(b, pseudonymAlphabet[n.Int64()])
	}
	return string(b)
}

// drawSample decides whether a piece is drawn for double marking.
func drawSample(percent int) bool {
	if percent <= 0 {
		return false
	}
	n, _ := rand.Int(rand.Reader, big.NewInt(100))
	return int(n.Int64()) < percent
}

func jsonInto(s string, v any) error { return json.Unmarshal([]byte(s), v) }
