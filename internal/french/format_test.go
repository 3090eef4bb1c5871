package french

import (
	"bytes"
	"slices"
	"testing"
	"time"
)

func TestFrenchDates(t *testing.T) {
	// 23:30 UTC on 24 November is already the 25th in Paris (UTC+1 in winter).
	late := time.Date(2026, 11, 24, 23, 30, 0, 0, time.UTC)
	if got := Date(late); got != "25 novembre 2026" {
		t.Errorf("Date = %q", got)
	}
	if got := DateTime(time.Date(2026, 7, 1, 12, 5, 0, 0, time.UTC)); got != "1er juillet 2026 à 14 h 05" {
		t.Errorf("DateTime été = %q", got)
	}
	if got := Date(time.Time{}); got != "—" {
		t.Errorf("date nulle = %q", got)
	}
}

func TestFrenchNumbers(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1234: "1\u202f234", 1234567: "1\u202f234\u202f567", -4500: "-4\u202f500"} {
		if got := Number(n); got != want {
			t.Errorf("Number(%d) = %q, attendu %q", n, got, want)
		}
	}
	if got := Plural(1, "tâche", "tâches"); got != "1\u00a0tâche" {
		t.Errorf("Plural(1) = %q", got)
	}
	if got := Plural(32, "tâche", "tâches"); got != "32\u00a0tâches" {
		t.Errorf("Plural(32) = %q", got)
	}
}

func TestSizes(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 octet", 1: "1 octet", 2: "2 octets", 1023: "1023 octets",
		1024: "1 Kio", 1536: "1,5 Kio", 850 * 1024: "850 Kio",
		1 << 20: "1 Mio", 10 << 20: "10 Mio", 13_002_342: "12,4 Mio", 50 << 20: "50 Mio",
		10<<20 + 1: "10 Mio",
	} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, attendu %q", n, got, want)
		}
	}
}

func TestFrenchOrder(t *testing.T) {
	names := []string{"Zoé Martin", "élodie Petit", "Émile Roux", "Eric Blanc", "Zoe Adam", "Œdipe Lenoir", "Odile Vert"}
	slices.SortFunc(names, Compare)
	want := []string{"élodie Petit", "Émile Roux", "Eric Blanc", "Odile Vert", "Œdipe Lenoir", "Zoe Adam", "Zoé Martin"}
	if !slices.Equal(names, want) {
		t.Errorf("ordre français : %q, attendu %q", names, want)
	}
	for i := 1; i < len(want); i++ {
		if bytes.Compare(Key(want[i-1]), Key(want[i])) > 0 {
			t.Errorf("Key(%q) > Key(%q)", want[i-1], want[i])
		}
	}
}

func TestDurations(t *testing.T) {
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
		if got := Duration(d); got != want {
			t.Errorf("%v : %q, attendu %q", d, got, want)
		}
	}
}

// Days counts Paris calendar days: 23 h 30 UTC on 14 November is already
// the 15th in Paris.
func TestDays(t *testing.T) {
	late := time.Date(2026, 11, 14, 23, 30, 0, 0, time.UTC)
	for _, c := range []struct {
		moment, day time.Time
		want        int
	}{
		{late, time.Date(2026, 11, 14, 0, 0, 0, 0, time.UTC), -1},
		{late, time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC), 0},
		{late, time.Date(2026, 12, 25, 0, 0, 0, 0, Paris), 40},
		{time.Date(2026, 3, 28, 12, 0, 0, 0, Paris), time.Date(2026, 3, 30, 0, 0, 0, 0, time.UTC), 2}, // across the change to summer time
	} {
		if got := Days(c.moment, c.day); got != c.want {
			t.Errorf("Days(%s, %s) = %d, attendu %d", c.moment, c.day.Format(time.DateOnly), got, c.want)
		}
	}
}
