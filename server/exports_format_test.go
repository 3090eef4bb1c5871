package server

import (
	"testing"
	"time"
)

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
