package server

import (
	"testing"
	"time"
)

func TestFrenchDuration(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		0:                                 "moins d'une heure",
		59 * time.Minute:                  "moins d'une heure",
		time.Hour:                         "1\u00a0h",
		23*time.Hour + 59*time.Minute:     "23\u00a0h",
		24 * time.Hour:                    "1\u00a0jour",
		36 * time.Hour:                    "1,5\u00a0jour",
		48 * time.Hour:                    "2\u00a0jours",
		3*24*time.Hour + 12*time.Hour + 1: "3,5\u00a0jours",
		294*24*time.Hour + 17*time.Hour:   "294,7\u00a0jours",
	} {
		if got := frenchDuration(d); got != want {
			t.Errorf("%v : %q, attendu %q", d, got, want)
		}
	}
}

func TestExportFileNameIsSafe(t *testing.T) {
	t.Parallel()
	// 23 h 30 UTC on 25 November is already the 26th in Paris.
	day := time.Date(2026, 11, 25, 23, 30, 0, 0, time.UTC)
	for cohort, want := range map[string]string{
		"Promotion 2026":                    "couverture-promotion-2026-2026-11-26.csv",
		"Éducateurs « spécialisés » / Lyon": "couverture-educateurs-specialises-lyon-2026-11-26.csv",
		`a"b\r\n; filename=x.exe`:           "couverture-a-b-r-n-filename-x-exe-2026-11-26.csv",
		"../../etc/passwd":                  "couverture-etc-passwd-2026-11-26.csv",
		"Œuvre 東京":                          "couverture-oeuvre-2026-11-26.csv",
	} {
		if got := ExportFileName("couverture", cohort, day, "csv"); got != want {
			t.Errorf("%q : %q, attendu %q", cohort, got, want)
		}
	}
}
