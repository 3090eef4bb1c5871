package main

import (
	"strings"
	"testing"
	"time"

	"github.com/casp-cnam/casp/internal/app/testenv"
)

// charge signs in, measures each page and reports it; a page that is not
// there stops it with its address.
func TestChargeMeasuresPages(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	rs, err := measure(env.URL, "responsable", "demo", 2, 100*time.Millisecond,
		[]string{"/healthz", "/promotions/1/couverture?page={page}"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 {
		t.Fatalf("%d mesures", len(rs))
	}
	for _, r := range rs {
		if r.Requests == 0 || r.PerSecond <= 0 || r.P50 <= 0 || r.P99 < r.P50 || r.BytesPerReply <= 0 {
			t.Errorf("%+v", r)
		}
	}
	if _, err := measure(env.URL, "responsable", "demo", 1, 100*time.Millisecond, []string{"/nulle-part"}); err == nil || !strings.Contains(err.Error(), "/nulle-part") {
		t.Errorf("page absente : %v", err)
	}
	if _, err := measure(env.URL, "responsable", "faux", 1, 100*time.Millisecond, []string{"/healthz"}); err == nil {
		t.Error("connexion refusée non signalée")
	}
}
