package account

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"github.com/casp-cnam/casp/internal/apperr"
)

// Throttling of password checks, against OWASP ASVS 4.0 V2.2.1 (anti-
// automation that slows guessing without locking the owner out):
//
//   - per account and address pair: PairFreeFailures failures, then a delay
//     that doubles with each failure (2 s, 4 s, 8 s…), up to MaxPairDelay.
//     A guesser slows down; the owner, from another address, does not.
//   - per address, whatever the account (spraying): AddressFreeFailures
//     failures, then doubling delays up to MaxAddressDelay. Kept short: a
//     training room shares one address.
//   - per account, whatever the address (a botnet): past AccountCeiling
//     failures in the window (ASVS 2.2.1's « no more than 100 failed
//     attempts per hour »), one password check per AccountPace on that
//     account. The right password still gets through after that short wait:
//     there is no lock-out.
//
// Each attempt is counted before the password is checked, in one write
// transaction (the single writer serialises them): parallel requests cannot
// all pass the check before any failure is recorded. A success removes the
// attempt and the pair's failures.
const (
	ThrottleWindow      = time.Hour
	PairFreeFailures    = 3
	MaxPairDelay        = 15 * time.Minute
	AddressFreeFailures = 30
	MaxAddressDelay     = time.Minute
	AccountCeiling      = 100
	AccountPace         = time.Minute
)

// Kinds of throttled checks.
const (
	throttleLogin    = "connexion"
	throttlePassword = "mot_de_passe" // the current password, to change it
)

// backoff is the wait after the last failure once n failures are counted.
func backoff(n, free int, ceiling time.Duration) time.Duration {
	if n < free {
		return 0
	}
	d := 2 * time.Second << min(n-free, 30)
	return min(d, ceiling)
}

// reserve counts an attempt before its password is checked. When a delay is
// due it records nothing and returns a Throttled error with the wait;
// otherwise it records the attempt as a failure and returns its id, for
// release on success.
func (s *Service) reserve(ctx context.Context, kind, login, address string) (int64, error) {
	now := s.now()
	since := now.Add(-ThrottleWindow).Unix()
	var id int64
	var wait time.Duration
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var pairN, addrN, acctN int
		var pairLast, addrLast, acctLast int64
		err := tx.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM login_failures WHERE kind=? AND login=? AND address=? AND at>?),
			(SELECT coalesce(max(at),0) FROM login_failures WHERE kind=? AND login=? AND address=? AND at>?),
			(SELECT count(*) FROM login_failures WHERE kind=? AND address=? AND at>?),
			(SELECT coalesce(max(at),0) FROM login_failures WHERE kind=? AND address=? AND at>?),
			(SELECT count(*) FROM login_failures WHERE kind=? AND login=? AND at>?),
			(SELECT coalesce(max(at),0) FROM login_failures WHERE kind=? AND login=? AND at>?)`,
			kind, login, address, since, kind, login, address, since,
			kind, address, since, kind, address, since,
			kind, login, since, kind, login, since).Scan(&pairN, &pairLast, &addrN, &addrLast, &acctN, &acctLast)
		if err != nil {
			return err
		}
		until := func(last int64, d time.Duration) time.Duration {
			if d == 0 {
				return 0
			}
			return time.Unix(last, 0).Add(d).Sub(now)
		}
		wait = max(until(pairLast, backoff(pairN, PairFreeFailures, MaxPairDelay)),
			until(addrLast, backoff(addrN, AddressFreeFailures, MaxAddressDelay)))
		if acctN >= AccountCeiling {
			wait = max(wait, until(acctLast, AccountPace))
		}
		if wait > 0 {
			return nil
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO login_failures(kind, login, address, at) VALUES (?,?,?,?)`, kind, login, address, now.Unix())
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return 0, err
	}
	if wait > 0 {
		secs := int(math.Ceil(wait.Seconds()))
		return 0, &apperr.Error{Code: apperr.Throttled, RetryAfter: secs,
			Message: "Trop de tentatives échouées : patientez " + frenchWait(secs) + " avant de réessayer."}
	}
	return id, nil
}

// release forgets an attempt that succeeded, with the failures of the same
// pair and the failures past the window.
func (s *Service) release(ctx context.Context, kind, login, address string) error {
	_, err := s.db.Write.ExecContext(ctx, `DELETE FROM login_failures WHERE (kind=? AND login=? AND address=?) OR at<?`,
		kind, login, address, s.now().Add(-ThrottleWindow).Unix())
	return err
}

// frenchWait writes a wait the French way: « 1 seconde », « 8 secondes »,
// « 2 minutes ».
func frenchWait(secs int) string {
	switch {
	case secs <= 1:
		return "1 seconde"
	case secs < 60:
		return fmt.Sprintf("%d secondes", secs)
	case secs < 120:
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", (secs+59)/60)
}
