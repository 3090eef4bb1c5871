package fonds

import (
	"github.com/casp-cnam/casp/internal/contentcheck"

	"gopkg.in/yaml.v3"
)

// The loader's checks, shared with casework (internal/contentcheck).
var (
	decodeStrict = contentcheck.Decode
	checkStruct  = contentcheck.Struct
)

func checkFiction(where, text string) error {
	return contentcheck.Fiction(where, text, "le fonds ne contient que des données fictives")
}

// yamlUnmarshalLoose decodes without rejecting unknown fields: for reading
// one field of a file another loader owns.
func yamlUnmarshalLoose(raw []byte, v any) error { return yaml.Unmarshal(raw, v) }
