package assessment

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/db"
)

// Settings are a cohort's marking rules.
type Settings struct {
	CohortID int64
	// Levels is the scale, lowest first; PassLevel is the index of the first
	// level that counts as acquired.
	Levels    []string
	PassLevel int
	// Descriptors says what each level means, one per level (or none).
	Descriptors []string
	// DoubleKinds are the deliverable kinds always double-marked;
	// SamplePercent of the other pieces are drawn for double marking.
	DoubleKinds   []string
	SamplePercent int
	// Discrepancy is the level gap on one criterion that sends a
	// double-marked piece to a third assessor.
	Discrepancy int
}

// DefaultLevels is the scale used in French vocational assessment.
var DefaultLevels = []string{"Non acquis", "En cours d'acquisition", "Acquis", "Maîtrisé"}

// DefaultDescriptors say what each level of DefaultLevels means, for any
// criterion of the framework.
var DefaultDescriptors = []string{
	"Les éléments attendus par le critère sont absents, erronés ou hors sujet.",
	"Le critère est en partie satisfait : des éléments attendus manquent ou restent imprécis, sans erreur qui compromette l'accompagnement.",
	"Le critère est satisfait : les éléments attendus sont présents, exacts et justifiés, en situation professionnelle.",
	"Le critère est satisfait avec aisance : analyse nuancée, choix argumentés, démarche transposable à d'autres situations.",
}

// DefaultSettings are used until a manager changes them.
func DefaultSettings(cohortID int64) Settings {
	return Settings{CohortID: cohortID, Levels: append([]string(nil), DefaultLevels...), PassLevel: 2, DoubleKinds: []string{}, Discrepancy: 2,
		Descriptors: append([]string(nil), DefaultDescriptors...)}
}

// Descriptor says what a level means ("" when the scale has none).
func (st Settings) Descriptor(level int) string {
	if len(st.Descriptors) != len(st.Levels) || level < 0 || level >= len(st.Descriptors) {
		return ""
	}
	return st.Descriptors[level]
}

// sameLevels tells whether a scale is the default one.
func sameLevels(levels []string) bool {
	if len(levels) != len(DefaultLevels) {
		return false
	}
	for i, l := range levels {
		if l != DefaultLevels[i] {
			return false
		}
	}
	return true
}

// Doubles tells whether the kind is always double-marked.
func (st Settings) Doubles(kindID string) bool {
	for _, k := range st.DoubleKinds {
		if k == kindID {
			return true
		}
	}
	return false
}

// LevelLabel names a level, "—" when unset.
func (st Settings) LevelLabel(level int) string {
	if level < 0 || level >= len(st.Levels) {
		return "—"
	}
	return st.Levels[level]
}

// Settings returns a cohort's marking settings (defaults when never set).
func (s *Service) Settings(ctx context.Context, cohortID int64) (Settings, error) {
	return s.settingsFrom(ctx, s.db.Read, cohortID)
}

func (s *Service) settingsFrom(ctx context.Context, q db.Querier, cohortID int64) (Settings, error) {
	st := DefaultSettings(cohortID)
	var levels, kinds, descriptors string
	err := q.QueryRowContext(ctx, `SELECT levels, pass_level, double_kinds, sample_percent, discrepancy, descriptors FROM marking_settings WHERE cohort_id=?`, cohortID).
		Scan(&levels, &st.PassLevel, &kinds, &st.SamplePercent, &st.Discrepancy, &descriptors)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal([]byte(levels), &st.Levels); err != nil {
		return st, err
	}
	if err := json.Unmarshal([]byte(kinds), &st.DoubleKinds); err != nil {
		return st, err
	}
	st.Descriptors = nil
	if err := json.Unmarshal([]byte(descriptors), &st.Descriptors); err != nil {
		return st, err
	}
	// Rules saved before descriptors existed keep the default ones when
	// their scale is the default scale.
	if descriptors == "[]" && sameLevels(st.Levels) {
		st.Descriptors = append([]string(nil), DefaultDescriptors...)
	}
	return st, nil
}

// SaveSettings validates and stores a cohort's marking settings. Changing
// the scale does not touch gradings already saved: levels are indices, so a
// manager should change the scale before marking starts (the page says so).
func (s *Service) SaveSettings(ctx context.Context, st Settings) error {
	return s.saveSettings(ctx, st, nil)
}

// SaveMarkingRules is SaveSettings done by a manager on the rules page: the
// rules, the cohort's anonymous marking (a column of the cohort, written by
// the account package) and the audit entry are one transaction.
func (s *Service) SaveMarkingRules(ctx context.Context, st Settings, anonymous bool, audit account.Entry) error {
	return s.saveSettings(ctx, st, func(tx *sql.Tx) error {
		if err := account.SetAnonymousMarkingIn(ctx, tx, st.CohortID, anonymous); err != nil {
			return err
		}
		audit.At, audit.Action = s.now(), account.ActionSettings
		return account.AuditTx(ctx, tx, audit)
	})
}

// saveSettings checks and writes the rules, then runs also (when not nil)
// in the same transaction.
func (s *Service) saveSettings(ctx context.Context, st Settings, also func(*sql.Tx) error) error {
	fields := map[string]string{}
	var levels []string
	for _, l := range st.Levels {
		if l = strings.TrimSpace(l); l != "" {
			levels = append(levels, l)
		}
	}
	switch {
	case len(levels) < 2:
		fields["levels"] = "Indiquez au moins deux niveaux, un par ligne, du plus faible au plus élevé."
	case len(levels) > 8:
		fields["levels"] = "Indiquez au plus huit niveaux."
	}
	for _, l := range levels {
		if len([]rune(l)) > 60 {
			fields["levels"] = "Chaque niveau tient en 60 caractères au plus."
		}
	}
	if len(levels) >= 2 && (st.PassLevel < 1 || st.PassLevel >= len(levels)) {
		fields["pass_level"] = "Choisissez le premier niveau qui vaut acquisition (ni le plus faible, ni au-delà de l'échelle)."
	}
	var descriptors []string
	for _, d := range st.Descriptors {
		if d = strings.TrimSpace(d); d != "" {
			descriptors = append(descriptors, d)
		}
		if len([]rune(d)) > 300 {
			fields["descriptors"] = "Chaque descriptif tient en 300 caractères au plus."
		}
	}
	if len(descriptors) > 0 && len(descriptors) != len(levels) && fields["descriptors"] == "" {
		fields["descriptors"] = fmt.Sprintf("Donnez un descriptif par niveau, dans le même ordre (%d niveaux, %d descriptifs), ou aucun.", len(levels), len(descriptors))
	}
	if st.SamplePercent < 0 || st.SamplePercent > 100 {
		fields["sample_percent"] = "Indiquez un pourcentage entre 0 et 100."
	}
	if st.Discrepancy < 1 || st.Discrepancy >= max(len(levels), 2) {
		fields["discrepancy"] = "L'écart qui déclenche un arbitrage doit être d'au moins un niveau et inférieur à la taille de l'échelle."
	}
	fw := s.cat.Default()
	for _, k := range st.DoubleKinds {
		if kind, ok := fw.Kind(k); !ok || kind.Live() {
			fields["double_kinds"] = "Type de production inconnu."
		}
	}
	if len(fields) > 0 {
		return apperr.Fields(fields)
	}
	lj, _ := json.Marshal(levels)
	kj, _ := json.Marshal(append([]string{}, st.DoubleKinds...))
	dj, _ := json.Marshal(append([]string{}, descriptors...))
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		// Levels already given stay on the scale: a grading's level is an
		// index into it. Checked in the writing transaction, so that no
		// grading saved meanwhile escapes the check.
		var top int
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(sc.level),-1) FROM grading_scores sc JOIN gradings g ON g.id=sc.grading_id
			JOIN piece_versions v ON v.id=g.version_id JOIN pieces p ON p.id=v.piece_id WHERE p.cohort_id=?`, st.CohortID).Scan(&top); err != nil {
			return err
		}
		if top >= len(levels) {
			old, err := s.settingsFrom(ctx, tx, st.CohortID)
			if err != nil {
				return err
			}
			return apperr.Fields(map[string]string{"levels": fmt.Sprintf(
				"Des évaluations de la promotion utilisent déjà le niveau « %s », le %dᵉ de l'échelle : gardez au moins %d niveaux. Vous pouvez renommer les niveaux, pas en retirer.",
				old.LevelLabel(top), top+1, top+1)})
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO marking_settings(cohort_id, levels, pass_level, double_kinds, sample_percent, discrepancy, descriptors)
			VALUES (?,?,?,?,?,?,?) ON CONFLICT(cohort_id) DO UPDATE SET levels=excluded.levels, pass_level=excluded.pass_level,
			double_kinds=excluded.double_kinds, sample_percent=excluded.sample_percent, discrepancy=excluded.discrepancy,
			descriptors=excluded.descriptors`,
			st.CohortID, string(lj), st.PassLevel, string(kj), st.SamplePercent, st.Discrepancy, string(dj))
		if err != nil || also == nil {
			return err
		}
		return also(tx)
	})
}

// SetDeadline fixes when a deliverable kind is due in a cohort.
func (s *Service) SetDeadline(ctx context.Context, cohortID int64, kindID string, due time.Time) error {
	if k, ok := s.framework().Kind(kindID); !ok || k.Live() {
		return apperr.Fields(map[string]string{"kind": "Type de production inconnu."})
	}
	_, err := s.db.Write.ExecContext(ctx, `INSERT INTO deadlines(cohort_id, kind_id, due_on) VALUES (?,?,?)
		ON CONFLICT(cohort_id, kind_id) DO UPDATE SET due_on=excluded.due_on`, cohortID, kindID, due.Format("2006-01-02"))
	return err
}
