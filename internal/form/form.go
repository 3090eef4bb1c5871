// Package form validates form structs with validator v10 and turns its
// failures into French messages keyed by the field's form name, ready to be
// shown next to each field.
package form

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/go-playground/validator/v10"

	"github.com/casp-cnam/casp/internal/apperr"
)

var v = func() *validator.Validate {
	val := validator.New(validator.WithRequiredStructEnabled())
	val.RegisterTagNameFunc(func(f reflect.StructField) string {
		name := strings.SplitN(f.Tag.Get("form"), ",", 2)[0]
		if name == "" || name == "-" {
			return f.Name
		}
		return name
	})
	return val
}()

// Check validates s; on failure it returns an apperr Invalid error whose
// Fields map holds one French message per field in error.
func Check(s any) error {
	err := v.Struct(s)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return err
	}
	fields := map[string]string{}
	for _, fe := range verrs {
		if _, done := fields[fe.Field()]; !done {
			fields[fe.Field()] = message(fe)
		}
	}
	return apperr.Fields(fields)
}

func message(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required":
		return "Ce champ est obligatoire."
	case "min":
		if fe.Kind() == reflect.String {
			return fmt.Sprintf("Saisissez au moins %s caractères.", fe.Param())
		}
		return fmt.Sprintf("La valeur doit être au moins %s.", fe.Param())
	case "max":
		if fe.Kind() == reflect.String {
			return fmt.Sprintf("Saisissez au plus %s caractères.", fe.Param())
		}
		return fmt.Sprintf("La valeur doit être au plus %s.", fe.Param())
	case "email":
		return "Saisissez une adresse électronique valide, par exemple prenom.nom@exemple.fr."
	case "oneof":
		return "Choisissez une des valeurs proposées."
	case "eqfield":
		return "Les deux saisies ne correspondent pas."
	case "nefield":
		return "La nouvelle valeur doit être différente de l'ancienne."
	case "login":
		return "Utilisez des lettres minuscules sans accent, des chiffres, le point, le tiret ou le tiret bas (3 à 40 caractères)."
	case "datetime":
		return "Saisissez une date valide."
	default:
		return "Valeur non valide."
	}
}

// RegisterValidation adds a custom rule (used for logins).
func RegisterValidation(tag string, fn validator.Func) {
	if err := v.RegisterValidation(tag, fn); err != nil {
		panic(err)
	}
}
