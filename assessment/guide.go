package assessment

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Guide is a guide d'entretien (task 1.4): what the interview is for, with
// whom, in which setting, and its phases with questions and their intent.
type Guide struct {
	Objectives      string       `json:"objectifs"`
	Audience        string       `json:"public"`
	Setting         string       `json:"contexte"` // "physique" or "telephonique"
	Duration        int          `json:"duree"`    // minutes
	Phases          []GuidePhase `json:"phases"`
	Posture         string       `json:"posture"`
	Confidentiality string       `json:"confidentialite"`
}

// GuidePhase is one step of the interview.
type GuidePhase struct {
	Name      string          `json:"nom"`
	Questions []GuideQuestion `json:"questions"`
}

// GuideQuestion is a question and why it is asked.
type GuideQuestion struct {
	Text   string `json:"question"`
	Intent string `json:"intention"`
}

// Guide settings.
var GuideSettings = []struct{ Value, Label string }{
	{"physique", "Accueil physique"},
	{"telephonique", "Accueil téléphonique"},
}

// SettingLabel names the setting in French.
func (g Guide) SettingLabel() string {
	for _, s := range GuideSettings {
		if s.Value == g.Setting {
			return s.Label
		}
	}
	return "—"
}

// DefaultPhases are the classic steps of a first-reception interview; the
// learner renames, removes or adds as needed.
var DefaultPhases = []string{"Accueil et mise en confiance", "Exploration de la demande", "Reformulation", "Conclusion et suite donnée"}

// NewGuide is an empty guide with the default phases.
func NewGuide() Guide {
	g := Guide{Setting: "physique", Duration: 45}
	for _, n := range DefaultPhases {
		g.Phases = append(g.Phases, GuidePhase{Name: n, Questions: []GuideQuestion{}})
	}
	return g
}

// JSON is the stored form.
func (g Guide) JSON() []byte {
	b, _ := json.MarshalIndent(g, "", "  ")
	return b
}

// ParseGuide reads a stored guide; unknown fields are refused.
func ParseGuide(data []byte) (Guide, error) {
	var g Guide
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&g); err != nil {
		return Guide{}, fmt.Errorf("guide d'entretien illisible : %w", err)
	}
	return g, nil
}

// Limits of a guide.
const (
	guideMaxPhases    = 12
	guideMaxQuestions = 30
	guideMaxText      = 2000
)

// Validate checks a guide before deposit; messages are keyed by form field.
func (g Guide) Validate() map[string]string {
	f := map[string]string{}
	long := func(key, v string) {
		if len([]rune(v)) > guideMaxText {
			f[key] = fmt.Sprintf("Ce champ tient en %d caractères au plus.", guideMaxText)
		}
	}
	if strings.TrimSpace(g.Objectives) == "" {
		f["objectifs"] = "Précisez les objectifs de l'entretien."
	}
	long("objectifs", g.Objectives)
	if strings.TrimSpace(g.Audience) == "" {
		f["public"] = "Précisez le public visé."
	}
	long("public", g.Audience)
	if g.Setting != "physique" && g.Setting != "telephonique" {
		f["contexte"] = "Choisissez accueil physique ou téléphonique."
	}
	if g.Duration < 5 || g.Duration > 240 {
		f["duree"] = "Indiquez une durée entre 5 et 240 minutes."
	}
	long("posture", g.Posture)
	long("confidentialite", g.Confidentiality)
	if strings.TrimSpace(g.Posture) == "" {
		f["posture"] = "Décrivez la posture professionnelle attendue."
	}
	if strings.TrimSpace(g.Confidentiality) == "" {
		f["confidentialite"] = "Précisez les points de confidentialité."
	}
	if len(g.Phases) == 0 {
		f["phases"] = "Le déroulé compte au moins une phase."
	}
	if len(g.Phases) > guideMaxPhases {
		f["phases"] = fmt.Sprintf("Le déroulé compte au plus %d phases.", guideMaxPhases)
	}
	questions := 0
	for i, p := range g.Phases {
		key := fmt.Sprintf("phases[%d]", i)
		if strings.TrimSpace(p.Name) == "" {
			f[key+".nom"] = "Nommez la phase."
		}
		long(key+".nom", p.Name)
		if len(p.Questions) > guideMaxQuestions {
			f[key+".questions"] = fmt.Sprintf("Une phase compte au plus %d questions.", guideMaxQuestions)
		}
		for j, q := range p.Questions {
			qk := fmt.Sprintf("%s.questions[%d]", key, j)
			if strings.TrimSpace(q.Text) == "" {
				f[qk+".question"] = "Rédigez la question, ou retirez la ligne."
			}
			if strings.TrimSpace(q.Intent) == "" && strings.TrimSpace(q.Text) != "" {
				f[qk+".intention"] = "Indiquez l'intention de la question."
			}
			long(qk+".question", q.Text)
			long(qk+".intention", q.Intent)
			questions++
		}
	}
	if questions == 0 && len(g.Phases) > 0 {
		f["phases[0].questions[0].question"] = "Le guide compte au moins une question."
	}
	return f
}
