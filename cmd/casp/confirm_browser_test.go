package main

// Irreversible actions with JavaScript on: casp.js opens the server's
// confirmation page in a dialog over the form. These helpers check the
// dialog as a person meets it (its heading has the focus, its text says
// what will happen, axe passes with it open), then confirm or cancel.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// openConfirmDialog presses button and waits for the confirmation dialog;
// it checks its heading and texts and runs axe with it open.
func openConfirmDialog(t *testing.T, ctx context.Context, button, heading string, want ...string) {
	t.Helper()
	before := readPage(t, ctx).URL
	if err := chromedp.Do(ctx, press(button)); err != nil {
		t.Fatalf("clic sur %s : %v", button, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !eval[bool](t, ctx, `!!document.querySelector('dialog.confirm-dialog[open]')`) {
		if time.Now().After(deadline) {
			t.Fatalf("%s : pas de dialogue de confirmation après 10 s (%s)", button, pageState(ctx))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if after := readPage(t, ctx).URL; after != before {
		t.Errorf("%s : le dialogue s'ouvre mais la page a changé (%s → %s)", button, before, after)
	}
	type dialog struct {
		Heading, Text, Focus, Labelled string
		Modal                          bool
	}
	d := eval[dialog](t, ctx, `(() => {
		const d = document.querySelector('dialog.confirm-dialog[open]');
		const l = document.getElementById(d.getAttribute('aria-labelledby'));
		return {heading: d.querySelector('h2').innerText.trim(), text: d.innerText,
			focus: document.activeElement ? document.activeElement.innerText.trim() : '',
			labelled: l ? l.innerText.trim() : '', modal: d.matches(':modal')};
	})()`)
	if d.Heading != heading || d.Labelled != heading {
		t.Errorf("%s : dialogue intitulé %q (nom accessible %q), attendu %q", button, d.Heading, d.Labelled, heading)
	}
	if d.Focus != heading {
		t.Errorf("%s : le focus est sur %q, attendu le titre du dialogue", button, d.Focus)
	}
	if !d.Modal {
		t.Errorf("%s : le dialogue n'est pas modal", button)
	}
	for _, w := range append([]string{"Ce qui va se passer", "Annuler"}, want...) {
		if !strings.Contains(d.Text, w) {
			t.Errorf("%s : texte attendu absent du dialogue : %q ; dialogue : %q", button, w, d.Text)
		}
	}
	runAxe(t, ctx, readPage(t, ctx).Path+" (dialogue « "+heading+" »)")
}

// confirmInDialog opens the dialog (see openConfirmDialog), confirms and
// returns the page the action leads to, audited.
func confirmInDialog(t *testing.T, ctx context.Context, button, heading string, want ...string) pageFacts {
	t.Helper()
	openConfirmDialog(t, ctx, button, heading, want...)
	return submitForm(t, ctx, `dialog.confirm-dialog form.confirm-form button[type=submit]`)
}

// cancelDialog opens the dialog and leaves it with « Annuler » (or with
// Escape): nothing happens, the page stays, the focus goes back to the
// button.
func cancelDialog(t *testing.T, ctx context.Context, button, heading string, escape bool) {
	t.Helper()
	before := readPage(t, ctx).URL
	openConfirmDialog(t, ctx, button, heading)
	how := "« Annuler »"
	if escape {
		how = "Échap"
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
			t.Fatal(err)
		}
	} else if err := chromedp.Do(ctx, press(`dialog.confirm-dialog form.confirm-form a`)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for eval[bool](t, ctx, `!!document.querySelector('dialog.confirm-dialog')`) {
		if time.Now().After(deadline) {
			t.Fatalf("%s : le dialogue reste ouvert", how)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if after := readPage(t, ctx).URL; after != before {
		t.Errorf("%s : la page a changé (%s → %s)", how, before, after)
	}
	if !eval[bool](t, ctx, fmt.Sprintf(`document.activeElement === document.querySelector(%s)`, jsString(button))) {
		t.Errorf("%s : le focus n'est pas revenu sur le bouton %s", how, button)
	}
}

// setScripts turns JavaScript off or on in a tab: off while a page loads,
// casp.js does not run on it (the page then works as without script); on
// again for the audit (axe is JavaScript).
func setScripts(t *testing.T, ctx context.Context, on bool) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return err
	})); err != nil {
		t.Fatalf("JavaScript activé=%v : %v", on, err)
	}
}
