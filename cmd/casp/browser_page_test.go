package main

// Driving a page as a person would: load it, click, type, read.

import (
	"context"
	_ "embed"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// navigate loads a path of the app and waits for its load event.
func navigate(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	base, _ := ctx.Value(baseKey{}).(string)
	began := time.Now()
	if err := chromedp.Do(ctx, chromedp.Navigate(base+path)); err != nil {
		t.Fatalf("%s : navigation : %v", path, err)
	}
	stats.step(t.Name(), "aller à "+path, began)
}

// clickAndWait clicks an element and waits for the page it leads to.
func clickAndWait(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	began := time.Now()
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, press(sel))); err != nil {
		t.Fatalf("clic sur %s : %v (%s)", sel, err, pageState(ctx))
	}
	stats.step(t.Name(), "clic "+sel, began)
}

// pageState says where a tab is and what it shows, for the message of a
// failed wait (its context may have ended: a short one of its own).
func pageState(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + ' (' + document.readyState + ') : ' + document.title + ' — ' + (document.body ? document.body.innerText.slice(0, 200) : '')`))
	if err != nil {
		return "état de la page illisible : " + err.Error()
	}
	return s
}

// pressJS finds the element, scrolls it to the middle of the window and
// gives the centre of its box, if the element is what a click there would
// hit; else why not.
const pressJS = `((sel) => {
	const el = document.querySelector(sel);
	if (!el) return {why: 'absent'};
	el.scrollIntoView({block: 'center', inline: 'center'});
	// A link that wraps has one box per line: aim at the first.
	const r = el.getClientRects()[0] || el.getBoundingClientRect();
	if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') return {why: 'invisible'};
	const x = r.left + r.width / 2, y = r.top + r.height / 2;
	const hit = document.elementFromPoint(x, y);
	if (!hit || (hit !== el && !el.contains(hit) && !(hit.control === el || (el.labels && [...el.labels].includes(hit))))) {
		return {why: 'caché par <' + (hit ? hit.tagName.toLowerCase() : '?') + '>'};
	}
	return {x, y};
})`

// press clicks an element with the mouse, as a person would: where it is
// on screen, once it is there and visible and nothing covers it (waiting up
// to 5 s). It reads the page with one script instead of chromedp's DOM
// queries, which cost ~50 ms a page.
func press(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		type spot struct {
			X, Y float64
			Why  string
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			at, err := chromedp.Run(ctx, chromedp.Evaluate[spot](pressJS+`(`+jsString(sel)+`)`))
			if err != nil {
				return err
			}
			if at.Why == "" {
				return chromedp.Do(ctx, chromedp.MouseClickXY(at.X, at.Y))
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s : %s", sel, at.Why)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
}

// typeInto focuses a field and types text into it, as an input method
// would (one input event per call, not one per key).
func typeInto(sel, text string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if err := chromedp.Do(ctx, press(sel)); err != nil {
			return err
		}
		// Type after what the field holds, wherever the click put the caret.
		focused, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
			const el = document.querySelector(`+jsString(sel)+`);
			if (document.activeElement !== el) return false;
			if (typeof el.setSelectionRange === 'function' && typeof el.value === 'string') {
				try { el.setSelectionRange(el.value.length, el.value.length); } catch (e) {}
			}
			return true;
		})()`))
		if err != nil {
			return err
		}
		if !focused {
			return fmt.Errorf("%s : pas de focus après le clic", sel)
		}
		_, err = chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: text})
		return err
	})
}

// eval runs JavaScript in the page and decodes its result.
func eval[T any](t testing.TB, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("évaluation de %q : %v", js, err)
	}
	return v
}

// setValue sets a field's value as a choice in a list or a date picker
// would, with the input and change events a person's choice fires.
func setValue(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`((sel, v) => {
			const el = document.querySelector(sel);
			if (!el) return false;
			el.value = v;
			el.dispatchEvent(new Event('input', {bubbles: true}));
			el.dispatchEvent(new Event('change', {bubbles: true}));
			return true;
		})(`+jsString(sel)+`, `+jsString(value)+`)`))
		if err == nil && !ok {
			err = fmt.Errorf("%s : absent", sel)
		}
		return err
	})
}

// focusOn gives an element the keyboard focus.
func focusOn(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`((sel) => {
			const el = document.querySelector(sel);
			if (!el) return false;
			el.focus();
			return document.activeElement === el;
		})(`+jsString(sel)+`)`))
		if err == nil && !ok {
			err = fmt.Errorf("%s : absent ou sans focus", sel)
		}
		return err
	})
}

// uploadFiles chooses files in a file field, as the file picker would.
func uploadFiles(sel string, paths []string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		res, err := chromedp.Call(ctx, cdpruntime.Evaluate, cdpruntime.EvaluateParams{Expression: `document.querySelector(` + jsString(sel) + `)`})
		if err != nil {
			return err
		}
		if res.Result == nil || res.Result.ObjectID == "" {
			return fmt.Errorf("%s : absent", sel)
		}
		_, err = chromedp.Call(ctx, dom.SetFileInputFiles, dom.SetFileInputFilesParams{Files: paths, ObjectID: res.Result.ObjectID})
		return err
	})
}
