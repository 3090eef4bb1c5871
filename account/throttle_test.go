package account_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/internal/apperr"
)

// The schedule of throttle.go, on a clock of our own: free failures, then
// doubling delays for the pair only; past the account's ceiling, the right
// password still goes through after AccountPace — never a lock-out.
func TestThrottleSlowsGuessingWithoutLockingOut(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	mustUser(t, s, "cible", account.Learner)
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return now })
	try := func(password, address string) error {
		_, err := s.Authenticate(ctx, "cible", password, address)
		return err
	}
	wait := func(err error) int {
		t.Helper()
		e, ok := apperr.As(err)
		if !ok || e.Code != apperr.Throttled {
			t.Fatalf("attendu une attente, obtenu %v", err)
		}
		return e.RetryAfter
	}
	for i := range account.PairFreeFailures {
		if err := try("faux", "10.0.0.1"); apperr.CodeOf(err) != apperr.Unauthorized {
			t.Fatalf("échec %d : %v", i+1, err)
		}
	}
	if w := wait(try("une phrase de passe", "10.0.0.1")); w != 2 {
		t.Fatalf("première attente %d s, 2 attendues", w)
	}
	// The owner elsewhere is not slowed down.
	if err := try("une phrase de passe", "10.0.0.2"); err != nil {
		t.Fatalf("le titulaire est bloqué : %v", err)
	}
	// The guesser's delays double: 2 s, then 4 s, 8 s…
	for _, want := range []int{4, 8, 16} {
		now = now.Add(time.Duration(want/2) * time.Second)
		if err := try("faux", "10.0.0.1"); apperr.CodeOf(err) != apperr.Unauthorized {
			t.Fatalf("après l'attente : %v", err)
		}
		if w := wait(try("faux", "10.0.0.1")); w != want {
			t.Fatalf("attente %d s, %d attendues", w, want)
		}
	}
	// A botnet: one failure from each of many addresses, up to the ceiling
	// (the guesser's six failures count too).
	for i := 6; i < account.AccountCeiling; i++ {
		if err := try("faux", "192.0.2."+strconv.Itoa(i)); apperr.CodeOf(err) != apperr.Unauthorized {
			t.Fatalf("essai %d du réseau : %v", i, err)
		}
	}
	// Past the ceiling, one check per AccountPace on the account…
	if w := wait(try("une phrase de passe", "10.0.0.3")); w != int(account.AccountPace.Seconds()) {
		t.Fatalf("au plafond : attente %d s", w)
	}
	// …and the right password goes through after that short wait.
	now = now.Add(account.AccountPace)
	if err := try("une phrase de passe", "10.0.0.3"); err != nil {
		t.Fatalf("le bon mot de passe est refusé après l'attente : %v", err)
	}
}
