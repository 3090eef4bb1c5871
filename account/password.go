package account

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Password rules, following OWASP ASVS 4.0 V2.1: at least 12 characters
// (1 to 200), any character allowed, no composition rules, but refused when
// it is the login itself, a single repeated character, or one of the very
// common passwords of an embedded list (ASVS 2.1.7), compared in lower case
// with and without the digits and signs around it (« motdepasse12 »).
const (
	MinPasswordLength = 12
	MaxPasswordLength = 200
)

//go:embed data/common-passwords.txt
var commonList string

var common = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(commonList, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			m[l] = true
		}
	}
	return m
}()

// PasswordProblem says, in French, why a password cannot be chosen, or ""
// when it can.
func PasswordProblem(login, password string) string {
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password):
		return "Ce mot de passe contient des caractères illisibles : saisissez-le à nouveau."
	case n < MinPasswordLength:
		return "Saisissez au moins 12 caractères."
	case n > MaxPasswordLength:
		return "Saisissez au plus 200 caractères."
	case strings.TrimSpace(password) == "":
		return "Un mot de passe fait seulement d'espaces se devine : choisissez une phrase de passe."
	case singleRune(password):
		return "Un même caractère répété se devine : choisissez une phrase de passe, par exemple quatre mots sans lien entre eux."
	}
	lower := strings.ToLower(password)
	if l := strings.ToLower(strings.TrimSpace(login)); l != "" && (lower == l || (trimAround(l) != "" && trimAround(lower) == trimAround(l))) {
		return "Le mot de passe ne peut pas être votre identifiant."
	}
	if common[lower] || common[trimAround(lower)] || common[strings.Join(strings.Fields(lower), "")] {
		return "Ce mot de passe fait partie des plus courants : il se devine en quelques essais. Choisissez une phrase de passe, par exemple quatre mots sans lien entre eux."
	}
	return ""
}

func singleRune(s string) bool {
	first, _ := utf8.DecodeRuneInString(s)
	for _, r := range s {
		if r != first {
			return false
		}
	}
	return true
}

// trimAround removes digits, spaces and signs around a word.
func trimAround(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
}
