// Package contentcheck reads and checks authored content (YAML) with
// messages in French that name the file, the field as the file spells it
// and the bad value: the people who write content read them. casework and
// its kinds of exercise (casework/fonds, casework/reception) share it.
package contentcheck

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"github.com/go-playground/validator/v10"
	"gopkg.in/yaml.v3"
)

var structValidator = func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	// Messages name fields as the content files spell them (yaml keys).
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	return v
}()

// Decode reads YAML strictly (an unknown field is an error), with French
// messages.
func Decode(raw []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	return YAMLFrench(dec.Decode(v))
}

var (
	yamlUnknownField = regexp.MustCompile(`line (\d+): field (\S+) not found in type \S+`)
	yamlCannotDecode = regexp.MustCompile(`line (\d+): cannot unmarshal !!(\w+) ` + "`" + `([^` + "`" + `]*)` + "`" + ` into (\S+)`)
	yamlLine         = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
)

// YAMLFrench rewrites the YAML decoder's errors in French, without Go type
// names: « ligne 12 : champ « niveau » inconnu ».
func YAMLFrench(err error) error {
	if err == nil {
		return nil
	}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		var out []string
		for _, m := range te.Errors {
			switch {
			case yamlUnknownField.MatchString(m):
				g := yamlUnknownField.FindStringSubmatch(m)
				out = append(out, fmt.Sprintf("ligne %s : champ « %s » inconnu", g[1], g[2]))
			case yamlCannotDecode.MatchString(m):
				g := yamlCannotDecode.FindStringSubmatch(m)
				out = append(out, fmt.Sprintf("ligne %s : valeur « %s » du mauvais type (%s attendu)", g[1], g[3], kindFrench(g[4])))
			default:
				out = append(out, m)
			}
		}
		return errors.New(strings.Join(out, " ; "))
	}
	if g := yamlLine.FindStringSubmatch(err.Error()); g != nil {
		return fmt.Errorf("ligne %s : syntaxe YAML invalide (%s)", g[1], g[2])
	}
	return fmt.Errorf("syntaxe YAML invalide (%v)", err)
}

func kindFrench(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "une liste"
	case strings.HasPrefix(goType, "map["):
		return "une table de clés"
	case goType == "int", goType == "float64":
		return "un nombre"
	case goType == "bool":
		return "vrai ou faux (true/false)"
	case goType == "string":
		return "un texte"
	}
	return "un bloc de champs"
}

// Struct applies the validate tags; where names the file and the item
// (« documents/rapports.yaml : document « x » »). The message names the
// field as the content file spells it.
func Struct(where string, v any) error {
	if err := structValidator.Struct(v); err != nil {
		var verrs validator.ValidationErrors
		if errors.As(err, &verrs) && len(verrs) > 0 {
			e := verrs[0]
			field := e.Namespace()
			if _, rest, ok := strings.Cut(field, "."); ok {
				field = rest // drop the Go type at the root
			}
			return fmt.Errorf("%s : champ « %s » : %s", where, field, ruleFrench(e))
		}
		return fmt.Errorf("%s : %w", where, err)
	}
	return nil
}

// ruleFrench says in French what a failed validation rule expects.
func ruleFrench(e validator.FieldError) string {
	p := e.Param()
	list := e.Kind() == reflect.Slice || e.Kind() == reflect.Map
	switch e.Tag() {
	case "required", "required_with", "required_if":
		return "valeur obligatoire manquante"
	case "min":
		if list {
			return fmt.Sprintf("au moins %s élément(s) attendu(s)", p)
		}
		return fmt.Sprintf("au moins %s caractère(s) attendu(s)", p)
	case "max":
		if list {
			return fmt.Sprintf("au plus %s élément(s) attendu(s), %d donné(s)", p, reflect.ValueOf(e.Value()).Len())
		}
		return fmt.Sprintf("au plus %s caractère(s) attendu(s)", p)
	case "gte":
		return fmt.Sprintf("nombre supérieur ou égal à %s attendu (%v donné)", p, e.Value())
	case "lte":
		return fmt.Sprintf("nombre inférieur ou égal à %s attendu (%v donné)", p, e.Value())
	case "oneof":
		return fmt.Sprintf("valeur %q inconnue (valeurs possibles : %s)", fmt.Sprint(e.Value()), strings.Join(strings.Fields(p), ", "))
	case "len":
		return fmt.Sprintf("exactement %s élément(s) ou caractère(s) attendu(s)", p)
	case "gt":
		return fmt.Sprintf("nombre supérieur à %s attendu", p)
	case "datetime":
		return fmt.Sprintf("date %q invalide (format attendu %s)", fmt.Sprint(e.Value()), layoutFrench(p))
	case "email":
		return fmt.Sprintf("adresse courriel %q invalide", fmt.Sprint(e.Value()))
	case "numeric":
		return "chiffres uniquement"
	case "eq":
		return fmt.Sprintf("valeur %q attendue", p)
	case "url":
		return fmt.Sprintf("adresse web %q invalide (https://…)", fmt.Sprint(e.Value()))
	}
	return fmt.Sprintf("valeur %q invalide", fmt.Sprint(e.Value()))
}

func layoutFrench(goLayout string) string {
	return strings.NewReplacer("2006", "AAAA", "01", "MM", "02", "JJ", "15", "HH", "04", "MM").Replace(goLayout)
}

// Fictional data only: phone numbers from the ranges reserved for fiction,
// e-mail addresses on reserved domains, nothing shaped like a NIR.
var (
	FictionPhone = regexp.MustCompile(`^(01 99 00|06 39 98) \d\d \d\d$`)
	FictionEmail = regexp.MustCompile(`@[a-z0-9.-]+\.(example|invalid)$`)
	anyPhone     = regexp.MustCompile(`\b0[1-9](?:[ .]?\d\d){4}\b`)
	nirLike      = regexp.MustCompile(`\b[12][ .]?\d{2}[ .]?(?:0[1-9]|1[0-2])[ .]?\d{2}[ .]?\d{3}[ .]?\d{3}(?:[ .]?\d{2})?\b`)
)

// Fiction reports real-looking personal data in a text: a NIR-like number,
// or a phone number outside the fiction ranges. what says what the content
// holds (« le bac à sable ne contient que des personnes fictives »).
func Fiction(where, text, what string) error {
	if m := nirLike.FindString(text); m != "" {
		return fmt.Errorf("%s : numéro ressemblant à un NIR (%s) — %s", where, m, what)
	}
	for _, m := range anyPhone.FindAllString(text, -1) {
		norm := strings.NewReplacer(".", " ").Replace(m)
		if len(norm) == 10 {
			norm = norm[:2] + " " + norm[2:4] + " " + norm[4:6] + " " + norm[6:8] + " " + norm[8:]
		}
		if !FictionPhone.MatchString(norm) {
			return fmt.Errorf("%s : numéro de téléphone « %s » hors des tranches réservées à la fiction : utilisez 01 99 00 xx xx ou 06 39 98 xx xx", where, m)
		}
	}
	return nil
}
