package casework

import (
	"regexp"
	"strings"
)

// StyleLabels name the styles of a question.
var StyleLabels = map[string]string{
	"ouverte":  "ouverte",
	"fermee":   "fermée",
	"orientee": "orientée (elle suggère la réponse)",
	"jugeante": "jugeante",
	"multiple": "multiple (plusieurs questions à la fois)",
}

// StyleWhy says, for the debrief, what a style does to an interview.
var StyleWhy = map[string]string{
	"ouverte":  "elle laisse la personne dire les choses avec ses mots : c'est ainsi qu'apparaissent les besoins implicites.",
	"fermee":   "utile pour vérifier un fait précis, elle n'ouvre rien : la personne répond à ce qu'on lui demande, pas à ce qui compte pour elle.",
	"orientee": "elle met la réponse dans la bouche de la personne : elle acquiesce, et vous n'apprenez que ce que vous supposiez déjà.",
	"jugeante": "la personne se sent jugée : elle se justifie ou se ferme, et ce qu'elle cache reste caché.",
	"multiple": "la personne ne répond qu'à une partie, souvent la moins engageante : le reste se perd.",
}

// ClassifyStyle judges a typed question's style by its form.
func ClassifyStyle(typed string) string {
	raw := strings.TrimSpace(strings.NewReplacer("’", "'", "  ", " ").Replace(typed))
	s := " " + fold(raw) + " "
	switch {
	case isMultiple(raw, s):
		return "multiple"
	case styleJudging.MatchString(s):
		return "jugeante"
	case styleLeading.MatchString(s):
		return "orientee"
	case styleOpen.MatchString(s), styleOpenAnywhere.MatchString(s):
		return "ouverte"
	}
	return "fermee"
}

func isMultiple(raw, s string) bool {
	if strings.Count(raw, "?") >= 2 {
		return true
	}
	if styleMultiple.MatchString(s) {
		return true
	}
	// A checklist: three or more short items separated by commas.
	if parts := strings.Split(strings.TrimRight(raw, " ?"), ","); len(parts) >= 3 {
		short := 0
		for _, p := range parts {
			if n := len(strings.Fields(p)); n > 0 && n <= 4 {
				short++
			}
		}
		return short >= 3
	}
	return false
}

var (
	styleMultiple     = regexp.MustCompile(`\? *(et|ou|puis|aussi)\b|\bet (est-ce que|est ce que|avez-vous|etes-vous|vous avez|comment|combien|quand|ou en)\b|\bet aussi\b|\bou bien\b|\bet puis\b|\bainsi que vos\b`)
	styleJudging      = regexp.MustCompile(`pourquoi (vous )?(n'|ne |n )|pourquoi (vous n|n'avez|n avez|ne pas|pas avant|pas plus tot|attendu|vous avez attendu|avoir attendu|laisse)|auri(ez|ons|ais|ait) (du|pu|mieux)|aurait fallu|faudrait quand meme|quand meme|comment (avez-vous|vous avez|as-tu|t'as|avez vous) pu|c'est pas serieux|n'est pas serieux|pas raisonnable|a votre age|vous rendez compte|rendez-vous compte|de votre faute|irresponsable|pas normal|exagerez|vous auriez pas|vous n'auriez pas|c'est grave quand|franchement|encore une fois|comment ca se fait que vous|comment se fait-il que vous|vous ne pouviez pas|vous pouviez pas|il fallait|fallait|ca ne vous (a|est) pas|vous saviez bien`)
	styleLeading      = regexp.MustCompile(`n'est-ce pas|n'est ce pas|j'imagine|j imagine|je suppose|je presume|je pense que|vous ne pensez pas|vous pensez pas|vous ne croyez pas|vous croyez pas|c'est bien ca|c'est ca \?|c'est ca non|sans doute|ca doit (etre|vous)|vous devez (etre|avoir|vous sentir)|vous etes d'accord|d'accord pour dire|\bnon \?|, non\b|non \?$|\bhein\b|forcement|surement|certainement|il faudrait peut-etre|ne serait-il pas|ce serait (bien|mieux)|vous n'avez pas envie|vous aimeriez (bien|surement)|je crois que vous|on est d'accord|c'est plutot|plutot .* non|vous voulez dire que|vous preferez .* plutot|vous ne voulez pas|vous voudriez pas|ca vous (dirait|irait) de|c'est parce que`)
	styleOpenAnywhere = regexp.MustCompile(`[ ,;:(](comment|qu'est-ce qu|qu'est ce qu|racontez|parlez-moi|dites-moi|expliquez-moi|decrivez|de quelle (facon|maniere)|que se passe|qu'en pensez|pourquoi)\b`)
	styleOpen         = regexp.MustCompile(`^ *(alors |et |bon |bien |donc |d'accord |ok |maintenant |bonjour |madame |monsieur |[a-z]+ ,)*(comment|qu'est-ce|qu'est ce|qu est-ce|qu est ce|kesk|que (se|s'|vous|pensez|faites|souhaitez|voulez|ressentez|represente|devient|disent|dit)|qu'attendez|qu'aimeriez|qu'en|qu'avez|que s'est|racont|parl|dites|dis-moi|expliqu|decri|pouvez-vous (me|nous) (dire|parler|raconter|expliquer|decrire|en dire)|pourriez-vous (me|nous) (dire|parler|raconter|expliquer|decrire|en dire)|vous pouvez (me|nous) (dire|parler|raconter|expliquer|decrire|en dire)|vous voulez bien (me|nous)|pourquoi|de quoi|a quoi|en quoi|quelles? (sont|est) (vos|votre|les|la|le)|quels? (sont|est) (vos|votre|les|la|le)|quel regard|qu'est ce|ou en etes|que pensez|qu'est-il|que souhaitez|qu'envisagez|j'aimerais (que vous|comprendre|bien comprendre|savoir comment)|je voudrais (comprendre|que vous))`)
)
