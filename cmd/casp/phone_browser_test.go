package main

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// atPhoneWidth makes the tab a 390-pixel-wide phone screen (given back
// to the pool at its usual size).
func atPhoneWidth(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 390, Height: 844, DeviceScaleFactor: 3, Mobile: true}); err != nil {
		t.Fatal(err)
	}
}

// overflow is how many pixels the page is wider than the screen: 0 when
// nothing but scrollable boxes (tables in their own container) is wider.
func overflow(t *testing.T, ctx context.Context) int {
	t.Helper()
	return eval[int](t, ctx, `document.documentElement.scrollWidth - document.documentElement.clientWidth`)
}

// On a 390-pixel phone, the pages people use most fit the screen: wide
// tables scroll in their own box, the navigation folds behind « Menu »
// (with JavaScript) and opens with it.
func TestBrowserPhoneLayout(t *testing.T) {
	browserTest(t)
	j := newJourney(t)
	learner := j.as("apprenant01")
	atPhoneWidth(t, learner)
	for _, p := range []string{"/", "/portfolio", "/progression", "/dossiers/1", "/territoire", "/pratique", "/dossiers"} {
		checkPage(t, learner, p)
		if px := overflow(t, learner); px > 0 {
			t.Errorf("%s à 390 px : la page déborde de %d px", p, px)
		}
	}
	// The learner's last exercise (a finished « mise en situation » in the
	// demo), and its debrief.
	last := eval[string](t, learner, `(document.querySelector('main a[href^="/exercices/"]') || {getAttribute: () => ''}).getAttribute('href')`)
	if last == "" {
		t.Fatal("/dossiers : aucun exercice listé")
	}
	for _, p := range []string{last, last + "/debrief"} {
		checkPage(t, learner, p)
		if px := overflow(t, learner); px > 0 {
			t.Errorf("%s à 390 px : la page déborde de %d px", p, px)
		}
	}
	// The navigation: folded, then open, keyboard-reachable.
	if h := eval[float64](t, learner, `document.querySelector('.main-nav').getBoundingClientRect().height`); h > 80 {
		t.Errorf("navigation repliée : %.0f px de haut", h)
	}
	if _, err := chromedp.Run(learner, press(`button.nav-toggle`)); err != nil {
		t.Fatalf("« Menu » : %v", err)
	}
	if !eval[bool](t, learner, `document.querySelector('button.nav-toggle').getAttribute('aria-expanded') === 'true' && document.querySelector('.main-nav ul').offsetHeight > 100`) {
		t.Error("« Menu » n'ouvre pas la navigation")
	}
	mgr := j.as("responsable")
	atPhoneWidth(t, mgr)
	for _, p := range []string{"/promotions/1", "/promotions/1/couverture", "/promotions/1/jury"} {
		checkPage(t, mgr, p)
		if px := overflow(t, mgr); px > 0 {
			t.Errorf("%s à 390 px : la page déborde de %d px", p, px)
		}
	}
}
