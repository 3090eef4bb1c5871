package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/internal/app/demo"
	"github.com/casp-cnam/casp/internal/app/testenv"
)

// A full heatmap page (50 learners × every capacity) stays light: at most
// 150 KB as sent uncompressed, 20 KB compressed. Sizes, not times: the
// markup is deterministic.
func TestHeatmapPageBudget(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ctx := context.Background()
	cohort, err := demo.SeedSynthetic(ctx, env.Platform.DB, env.Platform.Catalog.Default(), demo.SyntheticOptions{Learners: 60, PiecesPerLearner: 10, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Platform.Assessment.RebuildCoverage(ctx, cohort); err != nil {
		t.Fatal(err)
	}
	c := env.NewClient()
	c.Login("admin", "demo")
	req, _ := http.NewRequest(http.MethodGet, env.URL+"/promotions/"+strconv.FormatInt(cohort, 10)+"/couverture", nil)
	req.Header.Set("Accept-Encoding", "identity")
	r := c.Do(req)
	if r.Status != http.StatusOK {
		t.Fatalf("statut %d", r.Status)
	}
	if rows := strings.Count(r.Body, `<th scope="row"><a href="/apprenants/`); rows != 50 {
		t.Fatalf("%d lignes d'apprenants, 50 attendues", rows)
	}
	var z bytes.Buffer
	w, _ := gzip.NewWriterLevel(&z, gzip.BestSpeed)
	w.Write([]byte(r.Body))
	w.Close()
	t.Logf("carte de chaleur de 50 apprenants : %d octets, %d compressés (gzip, vitesse)", len(r.Body), z.Len())
	if len(r.Body) > 150_000 || z.Len() > 20_000 {
		t.Errorf("carte de 50 apprenants : %d octets (150 000 au plus), %d compressés (20 000 au plus)", len(r.Body), z.Len())
	}
}
