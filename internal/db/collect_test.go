package db

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
)

func TestCollectAndColumn(t *testing.T) {
	t.Parallel()
	d, err := Open(filepath.Join(t.TempDir(), "casp.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	if _, err := d.Write.ExecContext(ctx, `CREATE TABLE n(id INTEGER, name TEXT); INSERT INTO n VALUES (1,'Zoé'),(2,'Élodie'),(3,'Adèle')`); err != nil {
		t.Fatal(err)
	}
	type person struct {
		ID   int64
		Name string
	}
	got, err := Collect(ctx, d.Read, func(r Row) (person, error) {
		var p person
		err := r.Scan(&p.ID, &p.Name)
		return p, err
	}, `SELECT id, name FROM n WHERE id > ? ORDER BY name COLLATE `+French, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := []person{{3, "Adèle"}, {2, "Élodie"}, {1, "Zoé"}}; !slices.Equal(got, want) {
		t.Errorf("Collect : %v, attendu %v", got, want)
	}
	ids, err := Column[int64](ctx, d.Read, `SELECT id FROM n ORDER BY id DESC`)
	if err != nil || !slices.Equal(ids, []int64{3, 2, 1}) {
		t.Errorf("Column : %v, %v", ids, err)
	}
	none, err := Column[string](ctx, d.Read, `SELECT name FROM n WHERE id > 9`)
	if err != nil || len(none) != 0 {
		t.Errorf("aucune ligne : %v, %v", none, err)
	}
	// A reader's error stops the loop and is returned.
	boom := errors.New("lecture refusée")
	if _, err := Collect(ctx, d.Read, func(r Row) (int, error) { return 0, boom }, `SELECT id FROM n`); !errors.Is(err, boom) {
		t.Errorf("erreur du lecteur : %v", err)
	}
	// A bad query is returned too.
	if _, err := Column[int](ctx, d.Read, `SELECT nope FROM n`); err == nil {
		t.Error("requête fausse acceptée")
	}
}
