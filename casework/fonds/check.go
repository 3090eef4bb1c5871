package fonds

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

// These helpers follow casework's loader (same French messages); they are
// copied rather than shared so that casework can one day import this
// package without a cycle.

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

func decodeStrict(raw []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	return yamlFrench(dec.Decode(v))
}

var (
	yamlUnknownField = regexp.MustCompile(`line (\d+): field (\S+) not found in type \S+`)
	yamlCannotDecode = regexp.MustCompile(`line (\d+): cannot unmarshal !!(\w+) ` + "`" + `([^` + "`" + `]*)` + "`" + ` into (\S+)`)
	yamlLine         = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
)

// yamlFrench rewrites the YAML decoder's errors in French, without Go type
// names: « ligne 12 : champ « niveau » inconnu ».
func yamlFrench(err error) error {
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

// checkStruct applies the validate tags; where names the file and the item
// (« documents/rapports.yaml : document « x » »).
func checkStruct(where string, v any) error {
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
	case "datetime":
		return fmt.Sprintf("date %q invalide (format attendu %s)", fmt.Sprint(e.Value()), layoutFrench(p))
	case "url":
		return fmt.Sprintf("adresse web %q invalide (https://…)", fmt.Sprint(e.Value()))
	}
	return fmt.Sprintf("valeur %q invalide", fmt.Sprint(e.Value()))
}

func layoutFrench(goLayout string) string {
	return strings.NewReplacer("2006", "AAAA", "01", "MM", "02", "JJ", "15", "HH", "04", "MM").Replace(goLayout)
}

// Fictional data only: phone numbers from the ranges reserved for fiction,
// nothing shaped like a NIR (the same rules as casework.CheckFiction).
var (
	fictionPhone = regexp.MustCompile(`^(01 99 00|06 39 98) \d\d \d\d$`)
	anyPhone     = regexp.MustCompile(`\b0[1-9](?:[ .]?\d\d){4}\b`)
	nirLike      = regexp.MustCompile(`\b[12][ .]?\d{2}[ .]?(?:0[1-9]|1[0-2])[ .]?\d{2}[ .]?\d{3}[ .]?\d{3}(?:[ .]?\d{2})?\b`)
)

func checkFiction(where, text string) error {
	if m := nirLike.FindString(text); m != "" {
		return fmt.Errorf("%s : numéro ressemblant à un NIR (%s) — le fonds ne contient que des données fictives", where, m)
	}
	for _, m := range anyPhone.FindAllString(text, -1) {
		norm := strings.NewReplacer(".", " ").Replace(m)
		if len(norm) == 10 {
			norm = norm[:2] + " " + norm[2:4] + " " + norm[4:6] + " " + norm[6:8] + " " + norm[8:]
		}
		if !fictionPhone.MatchString(norm) {
			return fmt.Errorf("%s : numéro de téléphone « %s » hors des tranches réservées à la fiction (01 99 00 xx xx ou 06 39 98 xx xx)", where, m)
		}
	}
	return nil
}

// yamlUnmarshalLoose decodes without rejecting unknown fields: for reading
// one field of a file another loader owns.
func yamlUnmarshalLoose(raw []byte, v any) error { return yaml.Unmarshal(raw, v) }
