package actormap

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/casp-cnam/casp/internal/apperr"
)

// JSON is the indented JSON form of the map, for download; Parse
// reads it back.
func (m Map) JSON() []byte {
	if m.Actors == nil {
		m.Actors = []Actor{}
	}
	if m.Relations == nil {
		m.Relations = []Relation{}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		// Strings, slices and structs only: encoding cannot fail.
		panic(err)
	}
	return b.Bytes()
}

// Parse reads a map from its JSON form. Unknown fields, malformed
// JSON and trailing data are refused with an apperr Invalid error whose
// message is French and safe to show. The map is not validated: call
// Validate.
func Parse(data []byte) (Map, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return Map{}, apperr.New(apperr.Invalid, "Le fichier est vide.")
	}
	if trimmed[0] != '{' {
		return Map{}, apperr.New(apperr.Invalid, "Le fichier doit contenir une cartographie au format JSON : un objet entre accolades { }.")
	}
	var m Map
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return Map{}, jsonError(data, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Map{}, apperr.New(apperr.Invalid, "Le fichier contient des données après la cartographie.")
	}
	return m, nil
}

func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	msg := err.Error()
	switch {
	case errors.As(err, &syn):
		line, col := lineCol(data, syn.Offset)
		return apperr.New(apperr.Invalid, "Le fichier n'est pas un JSON valide (ligne %d, colonne %d).", line, col)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return apperr.New(apperr.Invalid, "Le fichier JSON est incomplet : il se termine avant la fin de la cartographie.")
	case errors.As(err, &typ):
		want := "une valeur d'un autre type"
		if typ.Type != nil {
			switch typ.Type.Kind().String() {
			case "string":
				want = "du texte"
			case "slice", "array":
				want = "une liste [ ]"
			case "struct", "map":
				want = "un objet { }"
			}
		}
		if typ.Field == "" {
			return apperr.New(apperr.Invalid, "Le fichier contient une valeur de type inattendu : %s était attendu.", want)
		}
		return apperr.New(apperr.Invalid, "Le champ « %s » doit contenir %s.", typ.Field, want)
	case strings.Contains(msg, "unknown field"):
		name := "?"
		if i := strings.Index(msg, `"`); i >= 0 {
			if q, err := strconv.QuotedPrefix(msg[i:]); err == nil {
				name, _ = strconv.Unquote(q)
			}
		}
		return apperr.New(apperr.Invalid, "Le champ « %s » est inconnu : une cartographie ne contient que les champs prévus (titre, thematique, territoire, acteurs, relations…).", name)
	}
	return apperr.New(apperr.Invalid, "Le fichier n'est pas une cartographie d'acteurs valide.")
}

func lineCol(data []byte, offset int64) (int, int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	line, col := 1, 1
	for _, r := range string(data[:offset]) {
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	if col > 1 {
		col-- // the offset points just after the offending byte
	}
	return line, col
}
