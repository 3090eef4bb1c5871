package fonds_test

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/unicode"

	"github.com/casp-cnam/casp/casework/fonds"
)

var days = []int{0, 1, 10, 22, 23, 45, 60}

// Every feed, at several simulated days, written in both formats and read
// back: the same items, in the same order, with the same fields.
func TestFeedsRoundTrip(t *testing.T) {
	t.Parallel()
	f := loadEmbedded(t)
	for _, fd := range f.Feeds {
		for _, day := range days {
			visible := fd.Visible(day)
			for _, format := range []string{"rss", "atom"} {
				write := fonds.RSS
				if format == "atom" {
					write = fonds.Atom
				}
				out, err := write(fd, day)
				if err != nil {
					t.Fatalf("%s jour %d (%s) : %v", fd.ID, day, format, err)
				}
				items, err := fonds.ParseFeed(bytes.NewReader(out))
				if err != nil {
					t.Fatalf("%s jour %d (%s) relu : %v", fd.ID, day, format, err)
				}
				if len(items) != len(visible) {
					t.Fatalf("%s jour %d (%s) : %d items relus, %d visibles", fd.ID, day, format, len(items), len(visible))
				}
				for i, got := range items {
					want := visible[i]
					if got.ID != fd.EntryID(want) || got.Title != want.Title || got.Link != want.Link ||
						got.Summary != strings.Join(strings.Fields(want.Summary), " ") || !got.Published.Equal(want.Published) ||
						!reflect.DeepEqual(got.Descriptors, want.Descriptors) {
						t.Errorf("%s jour %d (%s) item %d :\n relu   %+v\n attendu %+v", fd.ID, day, format, i, got, *want)
					}
				}
			}
		}
	}
}

func TestVisibleFollowsSimulatedDays(t *testing.T) {
	t.Parallel()
	f := loadEmbedded(t)
	change := f.RuleChanges()[0]
	has := func(day int) bool {
		for _, it := range change.Feed.Visible(day) {
			if it.ID == change.Item.ID {
				return true
			}
		}
		return false
	}
	if has(change.Item.Day-1) || !has(change.Item.Day) {
		t.Errorf("le changement de règle (jour %d) : visible la veille %v, le jour même %v", change.Item.Day, has(change.Item.Day-1), has(change.Item.Day))
	}
	for _, fd := range f.Feeds {
		prev := -1
		for _, day := range days {
			n := len(fd.Visible(day))
			if n < prev {
				t.Errorf("%s : %d items au jour %d, moins que la veille", fd.ID, n, day)
			}
			prev = n
			v := fd.Visible(day)
			for i := 1; i < len(v); i++ {
				if v[i-1].Published.Before(v[i].Published) {
					t.Errorf("%s jour %d : items non triés du plus récent au plus ancien", fd.ID, day)
				}
			}
		}
		if n := len(fd.Visible(0)); n == 0 || n == len(fd.Items) {
			t.Errorf("%s : %d items au jour 0 sur %d ; un historique puis des nouveautés attendus", fd.ID, n, len(fd.Items))
		}
		if len(fd.Visible(60)) != len(fd.Items) {
			t.Errorf("%s : tous les items doivent être parus au jour 60", fd.ID)
		}
	}
}

// The generated XML follows each format: checked on the raw XML, not
// through ParseFeed, so that a tolerant reader cannot hide a writer's
// mistake.
func TestGeneratedFeedsFollowTheirFormat(t *testing.T) {
	t.Parallel()
	f := loadEmbedded(t)
	fd, _ := f.Feed("ccas-valmont")
	out, err := fonds.RSS(fd, 60)
	if err != nil {
		t.Fatal(err)
	}
	var rss struct {
		XMLName xml.Name
		Version string `xml:"version,attr"`
		Channel struct {
			Title         string   `xml:"title"`
			Links         []string `xml:"link"`
			Description   string   `xml:"description"`
			LastBuildDate string   `xml:"lastBuildDate"`
			Items         []struct {
				Title       string `xml:"title"`
				Link        string `xml:"link"`
				PubDate     string `xml:"pubDate"`
				Description string `xml:"description"`
				GUID        string `xml:"guid"`
			} `xml:"item"`
		} `xml:"channel"`
	}
	if err := xml.Unmarshal(out, &rss); err != nil {
		t.Fatalf("RSS mal formé : %v", err)
	}
	if rss.XMLName.Local != "rss" || rss.Version != "2.0" || rss.Channel.Title == "" || len(rss.Channel.Links) == 0 || rss.Channel.Links[0] == "" || rss.Channel.Description == "" {
		t.Errorf("en-tête RSS incomplet : %+v", rss)
	}
	if _, err := time.Parse(time.RFC1123Z, rss.Channel.LastBuildDate); err != nil {
		t.Errorf("lastBuildDate %q : RFC 1123 attendu", rss.Channel.LastBuildDate)
	}
	for _, it := range rss.Channel.Items {
		if _, err := time.Parse(time.RFC1123Z, it.PubDate); err != nil {
			t.Errorf("pubDate %q : RFC 1123 avec zone numérique attendu", it.PubDate)
		}
		if it.Title == "" || it.Link == "" || it.GUID == "" || it.Description == "" {
			t.Errorf("item RSS incomplet : %+v", it)
		}
	}
	if !bytes.HasPrefix(out, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
		t.Error("déclaration XML absente")
	}

	fd, _ = f.Feed("departement-solidarites")
	out, err = fonds.Atom(fd, 60)
	if err != nil {
		t.Fatal(err)
	}
	var atom struct {
		XMLName xml.Name
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Author  struct {
			Name string `xml:"name"`
		} `xml:"author"`
		Entries []struct {
			ID        string `xml:"id"`
			Title     string `xml:"title"`
			Updated   string `xml:"updated"`
			Published string `xml:"published"`
			Links     []struct {
				Rel  string `xml:"rel,attr"`
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(out, &atom); err != nil {
		t.Fatalf("Atom mal formé : %v", err)
	}
	if atom.XMLName.Space != "http://www.w3.org/2005/Atom" || atom.XMLName.Local != "feed" || atom.ID == "" || atom.Title == "" || atom.Author.Name == "" {
		t.Errorf("en-tête Atom incomplet : %+v", atom.XMLName)
	}
	for _, d := range append([]string{atom.Updated}, func() (s []string) {
		for _, e := range atom.Entries {
			s = append(s, e.Updated, e.Published)
		}
		return
	}()...) {
		if _, err := time.Parse(time.RFC3339, d); err != nil {
			t.Errorf("date %q : RFC 3339 attendu", d)
		}
	}
	for _, e := range atom.Entries {
		if e.ID == "" || e.Title == "" || len(e.Links) == 0 || e.Links[0].Rel != "alternate" {
			t.Errorf("entrée Atom incomplète : %+v", e)
		}
	}
	// Day 0 of a feed whose items all come later: an empty but valid feed.
	empty := &fonds.Feed{ID: "vide", Title: "Vide", Format: "atom", Publisher: "X", Link: "https://www.vide.example/", Description: "d",
		Items: []fonds.Item{{ID: "plus-tard", Title: "Plus tard", Link: "https://www.vide.example/1", Summary: "s", Day: 5, Published: fonds.Today.AddDate(0, 0, 5)}}}
	for _, write := range []func(*fonds.Feed, int) ([]byte, error){fonds.RSS, fonds.Atom} {
		out, err := write(empty, 0)
		if err != nil {
			t.Fatal(err)
		}
		items, err := fonds.ParseFeed(bytes.NewReader(out))
		if err != nil || len(items) != 0 {
			t.Errorf("flux vide : %v, %v", items, err)
		}
	}
}

// Characters that XML must escape survive both formats, and nothing in a
// title becomes markup.
func TestFeedsEscapeXML(t *testing.T) {
	t.Parallel()
	title := `<script>alert("x")</script> R&D « l'accès » 3 < 5 & 7 > 2`
	summary := `Un résumé avec <balise> & "guillemets" et 'apostrophes'.`
	fd := &fonds.Feed{ID: "echappement", Title: "Flux & <test>", Format: "rss", Publisher: "A & B", Link: "https://www.test.example/", Description: "d < e",
		Items: []fonds.Item{{ID: "un", Title: title, Link: "https://www.test.example/?a=1&b=2", Summary: summary, Descriptors: []string{"fsl"},
			Published: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)}}}
	for name, write := range map[string]func(*fonds.Feed, int) ([]byte, error){"rss": fonds.RSS, "atom": fonds.Atom} {
		out, err := write(fd, 0)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(out, []byte("<script>")) || bytes.Contains(out, []byte("a=1&b=2")) {
			t.Errorf("%s : caractères non échappés dans\n%s", name, out)
		}
		items, err := fonds.ParseFeed(bytes.NewReader(out))
		if err != nil || len(items) != 1 {
			t.Fatalf("%s : %v, %v", name, items, err)
		}
		if items[0].Title != title || items[0].Link != "https://www.test.example/?a=1&b=2" {
			t.Errorf("%s : titre %q, lien %q", name, items[0].Title, items[0].Link)
		}
		if name == "atom" && items[0].Summary != summary {
			t.Errorf("atom : résumé %q", items[0].Summary)
		}
	}
}

func readTestdata(t *testing.T, name string) []fonds.Item {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	items, err := fonds.ParseFeed(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s : %v", name, err)
	}
	return items
}

func paris(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseRSSQuirks(t *testing.T) {
	t.Parallel()
	items := readTestdata(t, "rss-bom.xml")
	want := []fonds.Item{
		{ID: "a-1", Title: "Aide au logement : ce qui change", Link: "https://www.bulletin.example/a", Summary: "Le FSL aide les jeunes.",
			Published: paris("2026-12-07T10:00:00Z"), Descriptors: []string{"fsl", "logement"}},
		{ID: "https://www.bulletin.example/b", Title: "Commission & décisions", Link: "https://www.bulletin.example/b",
			Summary: "Texte échappé & entités", Published: paris("2026-12-08T09:30:00+01:00")},
		{ID: "https://www.bulletin.example/c", Title: "Lien relatif et date Dublin Core", Link: "https://www.bulletin.example/c",
			Summary: "Seulement du contenu encodé.", Published: paris("2026-12-09T08:15:00+01:00")},
		{ID: "https://www.bulletin.example/d", Title: "Sans date", Link: "https://www.bulletin.example/d", Summary: "Un texte sur plusieurs lignes."},
		{ID: "https://www.bulletin.example/e", Title: "Date à la française", Link: "https://www.bulletin.example/e",
			Summary: "Publié par un outil francisé.", Published: paris("2026-12-10T14:00:00+01:00")},
		{ID: "https://www.bulletin.example/f", Title: "Date RFC 822 à deux chiffres", Link: "https://www.bulletin.example/f",
			Summary: "Sans jour de la semaine.", Published: paris("2026-12-11T16:45:00+01:00")},
		{ID: "https://www.bulletin.example/g", Title: "HTML brut", Link: "https://www.bulletin.example/g",
			Summary: "Brut non échappé", Published: paris("2026-12-12T08:00:00+01:00")},
	}
	compareItems(t, "rss-bom.xml", items, want)

	latin := readTestdata(t, "rss-latin1.xml")
	compareItems(t, "rss-latin1.xml", latin, []fonds.Item{{ID: "https://www.latin.example/r", Title: "Réunion d'équipe à Bréval",
		Link: "https://www.latin.example/r", Summary: "Les élèves étaient là.", Published: paris("2026-12-11T08:00:00+01:00")}})

	rdf := readTestdata(t, "rss1-rdf.xml")
	compareItems(t, "rss1-rdf.xml", rdf, []fonds.Item{
		{ID: "https://www.rdf.example/1", Title: "Premier", Link: "https://www.rdf.example/1", Summary: "Un.", Published: paris("2026-12-07T10:00:00+01:00"), Descriptors: []string{"emploi"}},
		{ID: "https://www.rdf.example/2", Title: "Second", Link: "https://www.rdf.example/2", Summary: "Deux.", Published: paris("2026-12-08T00:00:00Z")},
	})
}

func TestParseAtomQuirks(t *testing.T) {
	t.Parallel()
	items := readTestdata(t, "atom-quirks.xml")
	compareItems(t, "atom-quirks.xml", items, []fonds.Item{
		{ID: "tag:atom.example,2026:1", Title: "Nouveau règlement", Link: "https://www.atom.example/1", Summary: "Le plafond passe à 900\u00a0€.",
			Published: paris("2026-12-07T09:00:00+01:00"), Descriptors: []string{"fsl"}},
		{ID: "tag:atom.example,2026:2", Title: "Sans rel, sans date de publication", Link: "https://www.atom.example/2",
			Summary: "Contenu XHTML seulement.", Published: paris("2026-12-09T11:30:00Z"), Descriptors: []string{"Logement"}},
		{ID: "tag:atom.example,2026:3", Title: "Sans aucune date", Link: "https://www.atom.example/3", Summary: "Un texte simple & une esperluette, et 3 < 5."},
	})
}

func TestParseUTF16(t *testing.T) {
	t.Parallel()
	src := `<?xml version="1.0" encoding="UTF-16"?><rss version="2.0"><channel><item><title>Été</title><link>https://www.u16.example/1</link></item></channel></rss>`
	b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	items, err := fonds.ParseFeed(bytes.NewReader(b))
	if err != nil || len(items) != 1 || items[0].Title != "Été" {
		t.Errorf("UTF-16 : %+v, %v", items, err)
	}
}

func TestParseRejectsWhatIsNotAFeed(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("testdata", "pas-un-flux.html"))
	if err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string]string{"page HTML": string(b), "vide": " \n\ufeff", "illisible": "<rss><channel><item><title>x</item"} {
		_, err := fonds.ParseFeed(strings.NewReader(in))
		if err == nil {
			t.Errorf("%s : erreur attendue", name)
			continue
		}
		if strings.Contains(err.Error(), "EOF") || strings.Contains(err.Error(), "xml:") && !strings.Contains(err.Error(), "flux") {
			t.Errorf("%s : message %q pas en français", name, err)
		}
	}
	_, err = fonds.ParseFeed(bytes.NewReader(b))
	if err == nil || !strings.Contains(err.Error(), "ni un flux RSS ni un flux Atom") || !strings.Contains(err.Error(), "« html »") {
		t.Errorf("page HTML : %v", err)
	}
}

func TestParseDateLayouts(t *testing.T) {
	t.Parallel()
	want := paris("2026-12-07T10:00:00+01:00")
	for _, s := range []string{
		"Mon, 07 Dec 2026 10:00:00 +0100",
		"Mon, 7 Dec 2026 10:00:00 +0100",
		"Mon, 07 Dec 2026 09:00:00 GMT",
		"Mon, 07 Dec 2026 10:00:00 CET",
		"07 Dec 2026 10:00 +0100",
		"Mon, 07 Dec 26 10:00:00 +0100",
		"2026-12-07T10:00:00+01:00",
		"2026-12-07T09:00:00Z",
		"2026-12-07T09:00:00.000Z",
		"  lundi 7 décembre 2026 10:00:00 +0100 ",
		"lun., 07 déc. 2026 10:00:00 +0100",
		"Tue, 07 Dec 2026 10:00:00 +0100", // wrong weekday: ignored, as readers do
	} {
		got, ok := fonds.ParseDate(s)
		if !ok || !got.Equal(want) {
			t.Errorf("ParseDate(%q) = %v, %v ; %v attendu", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "hier", "32 Dec 2026 10:00:00 +0100", "bientôt"} {
		if got, ok := fonds.ParseDate(s); ok {
			t.Errorf("ParseDate(%q) = %v : refus attendu", s, got)
		}
	}
}

func compareItems(t *testing.T, name string, got, want []fonds.Item) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s : %d items, %d attendus : %+v", name, len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.ID != w.ID || g.Title != w.Title || g.Link != w.Link || g.Summary != w.Summary || !g.Published.Equal(w.Published) ||
			!reflect.DeepEqual(g.Descriptors, w.Descriptors) {
			t.Errorf("%s item %d :\n lu      %q | %q | %q | %q | %v | %q\n attendu %q | %q | %q | %q | %v | %q", name, i,
				g.ID, g.Title, g.Link, g.Summary, g.Published, g.Descriptors, w.ID, w.Title, w.Link, w.Summary, w.Published, w.Descriptors)
		}
	}
}
