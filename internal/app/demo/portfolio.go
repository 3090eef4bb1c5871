package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/content"
	"github.com/casp-cnam/casp/referentiel"
)

// samplePiece is one authored production of content/demo/pieces.
type samplePiece struct {
	Name     string
	Kind     string         `yaml:"kind"`
	Title    string         `yaml:"title"`
	Markdown string         `yaml:"markdown"`
	Guide    map[string]any `yaml:"guide"`
	Carte    map[string]any `yaml:"carte"`
}

// body is the piece's stored form for its editor.
func (p samplePiece) body() (string, error) {
	switch {
	case p.Guide != nil:
		b, err := json.Marshal(p.Guide)
		return string(b), err
	case p.Carte != nil:
		b, err := json.Marshal(p.Carte)
		return string(b), err
	}
	return p.Markdown, nil
}

type feedbackBank struct {
	General  map[string][]feedbackText `yaml:"general"`
	Comments map[string][]string       `yaml:"comments"`
}

// feedbackText is an authored appreciation: for any kind of production, or
// (with types) for those kinds only — a guide's feedback never goes to a
// dossier de veille.
type feedbackText struct {
	Text  string   `yaml:"texte"`
	Kinds []string `yaml:"types"`
}

func (f *feedbackText) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		f.Text = n.Value
		return nil
	}
	type plain feedbackText
	return n.Decode((*plain)(f))
}

// general is the appreciations fit for a decision on a kind: those written
// for the kind when there are, else those for any kind.
func (fb feedbackBank) general(decision, kind string) []string {
	var own, any []string
	for _, t := range fb.General[decision] {
		switch {
		case len(t.Kinds) == 0:
			any = append(any, t.Text)
		case slices.Contains(t.Kinds, kind):
			own = append(own, t.Text)
		}
	}
	if len(own) > 0 {
		return own
	}
	return any
}

// weaker are the authored pieces written as a struggling trainee would.
var weaker = map[string]bool{"04": true, "07": true, "10": true, "14": true}

func loadSamples(fw *referentiel.Framework) ([]samplePiece, feedbackBank, error) {
	var fb feedbackBank
	names, err := fs.Glob(content.FS, "demo/pieces/*.yaml")
	if err != nil {
		return nil, fb, err
	}
	sort.Strings(names)
	var out []samplePiece
	for _, n := range names {
		raw, err := fs.ReadFile(content.FS, n)
		if err != nil {
			return nil, fb, err
		}
		var p samplePiece
		if err := yaml.Unmarshal(raw, &p); err != nil {
			return nil, fb, fmt.Errorf("%s : %w", n, err)
		}
		p.Name = path.Base(n)
		k, ok := fw.Kind(p.Kind)
		if !ok {
			return nil, fb, fmt.Errorf("%s : type de production inconnu %q", n, p.Kind)
		}
		body, err := p.body()
		if err != nil {
			return nil, fb, err
		}
		if f := assessment.CheckContent(k.Editor, body); len(f) > 0 {
			return nil, fb, fmt.Errorf("%s : contenu refusé au dépôt : %v", n, f)
		}
		out = append(out, p)
	}
	raw, err := fs.ReadFile(content.FS, "demo/feedback.yaml")
	if err != nil {
		return nil, fb, err
	}
	if err := yaml.Unmarshal(raw, &fb); err != nil {
		return nil, fb, fmt.Errorf("feedback.yaml : %w", err)
	}
	return out, fb, nil
}

// pick chooses deterministically in a list.
func pick(list []string, key string) string {
	if len(list) == 0 {
		return ""
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	return list[int(h.Sum32())%len(list)]
}

// stage is how far a demo piece has gone.
type stage int

const (
	stDraft stage = iota
	stDeposited
	stMarking
	stValidated
	stRework
	stReworkedV2
)

// stagePlan spreads the demo pieces over the lifecycle, most of them graded.
var stagePlan = []stage{stDraft, stDeposited, stValidated, stMarking, stValidated, stRework, stReworkedV2, stValidated}

// seedPortfolio gives every learner pieces in several states: drafts,
// deposits waiting, gradings under way, validated and returned pieces, a
// second version, double-marked actor maps, and one piece in arbitration.
func seedPortfolio(ctx context.Context, acc *account.Service, as *assessment.Service, fw *referentiel.Framework,
	cohortID int64, learners []account.User, assessors []account.User) error {
	samples, fb, err := loadSamples(fw)
	if err != nil {
		return err
	}
	// Actor maps are double-marked in the demo cohort.
	st := assessment.DefaultSettings(cohortID)
	st.DoubleKinds = []string{"cartographie-acteurs"}
	if err := as.SaveSettings(ctx, st); err != nil {
		return err
	}
	// Deadlines around the day the demo is seeded, so that its risk flags
	// mean something whenever it runs: one passed, one near, two ahead
	// (before the end of the demo cohort when it runs in 2026).
	today := time.Now().UTC().Truncate(24 * time.Hour)
	for kind, days := range map[string]int{"guide-entretien": -20, "cartographie-acteurs": 10,
		"rapport-enquete": 16, "rapport-experience-professionnelle": 22} {
		if err := as.SetDeadline(ctx, cohortID, kind, today.AddDate(0, 0, days)); err != nil {
			return err
		}
	}
	clock := time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC)
	tick := func() time.Time { clock = clock.Add(97 * time.Minute); return clock }
	as.SetClock(tick)
	defer as.SetClock(time.Now)

	// grade has an assessor grade every criterion around quality; second
	// markers differ by one level on some criteria (never two: concordant).
	grade := func(a account.User, pieceID int64, sample samplePiece, quality int, decision assessment.Decision, release, second bool) error {
		g, err := as.StartGrading(ctx, a, pieceID, "")
		if err != nil {
			return err
		}
		gv, err := as.GradingView(ctx, a, g.ID)
		if err != nil {
			return err
		}
		in := assessment.GradingInput{Levels: map[string]int{}, Comments: map[string]string{}, Decision: decision,
			Feedback: pick(fb.general(string(decision), sample.Kind), sample.Name+a.Login)}
		for i, c := range gv.Version.Criteria {
			l := quality + i%3 - 1
			if second && i%4 == 1 {
				l--
			}
			l = min(max(l, 0), 3)
			if decision == assessment.Validated && l < 2 {
				l = 2
			}
			in.Levels[c] = l
			if i%3 == 0 {
				in.Comments[c] = pick(fb.Comments[fmt.Sprint(l)], c+a.Login)
			}
		}
		if _, err := as.SaveGrading(ctx, a, g.ID, in, true, ""); err != nil {
			return fmt.Errorf("évaluation de démonstration : %w", err)
		}
		if release {
			return as.Release(ctx, a, g.ID, "")
		}
		return nil
	}

	moderationDone := false
	for i, learner := range learners {
		for k := 0; k < 4; k++ {
			sample := samples[(i*5+k*4)%len(samples)]
			body, _ := sample.body()
			p, err := as.Create(ctx, learner, assessment.NewPiece{KindID: sample.Kind, Title: sample.Title})
			if err != nil {
				return err
			}
			if err := as.SaveDraft(ctx, learner, p.ID, sample.Title, body); err != nil {
				return err
			}
			s := stagePlan[(i+k*3)%len(stagePlan)]
			if s == stDraft {
				continue
			}
			if _, err := as.Deposit(ctx, learner, p.ID); err != nil {
				return fmt.Errorf("dépôt de démonstration %s : %w", sample.Name, err)
			}
			quality := 2
			if weaker[sample.Name[:2]] {
				quality = 1
			}
			a := assessors[(i+k)%len(assessors)]
			b := assessors[(i+k+1)%len(assessors)]
			double := sample.Kind == "cartographie-acteurs"
			switch {
			case s == stDeposited:
				continue
			case double && !moderationDone:
				// The two blind markers disagree: the piece awaits arbitration.
				moderationDone = true
				if err := grade(a, p.ID, sample, 3, assessment.Validated, true, false); err != nil {
					return err
				}
				if err := grade(b, p.ID, sample, 0, assessment.ToRework, true, true); err != nil {
					return err
				}
				continue
			case s == stMarking:
				if err := grade(a, p.ID, sample, quality, assessment.Validated, false, false); err != nil {
					return err
				}
				continue
			}
			decision := assessment.Validated
			if s == stRework || s == stReworkedV2 || quality < 2 {
				decision = assessment.ToRework
			}
			if err := grade(a, p.ID, sample, quality, decision, true, false); err != nil {
				return err
			}
			if double {
				if err := grade(b, p.ID, sample, quality, decision, true, true); err != nil {
					return err
				}
			}
			if decision == assessment.ToRework && s == stReworkedV2 {
				if err := as.SaveDraft(ctx, learner, p.ID, sample.Title, reworked(sample, body)); err != nil {
					return err
				}
				if _, err := as.Deposit(ctx, learner, p.ID); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// reworked adds the learner's answer to the feedback to a Markdown piece;
// structured pieces are deposited again with their title marked.
func reworked(p samplePiece, body string) string {
	if p.Markdown == "" {
		return body
	}
	return strings.TrimRight(body, "\n") + "\n\n## Compléments apportés à la suite de l'évaluation\n\n" +
		"J'ai repris l'analyse en distinguant ce que j'ai observé de ce que j'en déduis, et j'ai précisé pour chaque proposition le partenaire mobilisé, l'échéance et la manière dont la personne y a pris part.\n"
}
