package fonds

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"net/url"
	"regexp"
	"strings"
	"time"

	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
)

// MaxFeedSize bounds what ParseFeed reads.
const MaxFeedSize = 5 << 20

// ParseFeed reads the items of an RSS 2.0, RSS 1.0 (RDF) or Atom 1.0 feed,
// in document order. It is tolerant, as feed readers must be: a byte-order
// mark or blanks before the XML declaration, a legacy charset, HTML
// entities, HTML (escaped, in CDATA or even raw) in titles and summaries,
// which comes out as plain text, Atom links with or without rel, dates in
// RFC 822, RFC 1123, RFC 3339 and other common layouts (French month names
// too), or no date at all (Published stays zero).
func ParseFeed(r io.Reader) ([]Item, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxFeedSize+1))
	if err != nil {
		return nil, fmt.Errorf("lecture du flux impossible : %w", err)
	}
	if len(raw) > MaxFeedSize {
		return nil, fmt.Errorf("flux trop volumineux (plus de %d Mo)", MaxFeedSize>>20)
	}
	transcoded := false
	if bytes.HasPrefix(raw, []byte{0xFF, 0xFE}) || bytes.HasPrefix(raw, []byte{0xFE, 0xFF}) {
		if raw, err = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder().Bytes(raw); err != nil {
			return nil, fmt.Errorf("flux en UTF-16 illisible : %w", err)
		}
		transcoded = true
	}
	raw = bytes.TrimPrefix(raw, []byte("\uFEFF"))
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return nil, errors.New("flux vide")
	}
	dec := xml.NewDecoder(bytes.NewReader(raw))
	dec.Strict = false
	dec.AutoClose = voidElements
	dec.Entity = xml.HTMLEntity
	dec.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		if transcoded {
			return in, nil
		}
		e, err := htmlindex.Get(label)
		if err != nil {
			return nil, fmt.Errorf("encodage « %s » non pris en charge", label)
		}
		return e.NewDecoder().Reader(in), nil
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil, errors.New("flux sans élément racine")
		}
		if err != nil {
			return nil, fmt.Errorf("flux XML illisible : %v", xmlFrench(err))
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch strings.ToLower(start.Name.Local) {
		case "rss":
			var doc struct {
				Channel struct {
					Link  []rssLink `xml:"link"`
					Items []rssItem `xml:"item"`
				} `xml:"channel"`
			}
			if err := dec.DecodeElement(&doc, &start); err != nil {
				return nil, fmt.Errorf("flux RSS illisible : %v", xmlFrench(err))
			}
			return rssItems(doc.Channel.Items, firstText(doc.Channel.Link)), nil
		case "rdf":
			var doc struct {
				Channel struct {
					Link []rssLink `xml:"link"`
				} `xml:"channel"`
				Items []rssItem `xml:"item"`
			}
			if err := dec.DecodeElement(&doc, &start); err != nil {
				return nil, fmt.Errorf("flux RSS 1.0 illisible : %v", xmlFrench(err))
			}
			return rssItems(doc.Items, firstText(doc.Channel.Link)), nil
		case "feed":
			var doc struct {
				Links   []atomLink  `xml:"link"`
				Entries []atomEntry `xml:"entry"`
			}
			if err := dec.DecodeElement(&doc, &start); err != nil {
				return nil, fmt.Errorf("flux Atom illisible : %v", xmlFrench(err))
			}
			return atomItems(doc.Entries, alternate(doc.Links)), nil
		default:
			return nil, fmt.Errorf("ce document n'est ni un flux RSS ni un flux Atom (élément racine « %s »)", start.Name.Local)
		}
	}
}

// xmlFrench says in French where the XML breaks; the decoder's own words
// stay in parentheses for whoever debugs the feed.
func xmlFrench(err error) string {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		if strings.Contains(se.Msg, "unexpected EOF") {
			return fmt.Sprintf("ligne %d : le document s'arrête avant la fin d'un élément", se.Line)
		}
		return fmt.Sprintf("ligne %d : syntaxe XML invalide (%s)", se.Line, se.Msg)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "le document s'arrête avant la fin d'un élément"
	}
	return fmt.Sprintf("document illisible (%v)", err)
}

// voidElements are the HTML elements without an end tag that producers
// leave unclosed in raw HTML; not xml.HTMLAutoClose, which holds « link »,
// an element RSS closes.
var voidElements = []string{"br", "hr", "img", "wbr", "col", "area", "input", "param"}

// richText keeps both the character data (entities decoded, CDATA
// included) and the raw inner XML (for markup that is not escaped).
type richText struct {
	Type  string `xml:"type,attr"`
	Mode  string `xml:"mode,attr"`
	Text  string `xml:",chardata"`
	Inner string `xml:",innerxml"`
}

var rawElement = regexp.MustCompile(`<[A-Za-z]`)

// plain is the text a reader shows. markup says the text is HTML (RSS
// descriptions, Atom type="html"); raw child elements (Atom xhtml, or HTML
// a producer did not escape) are always markup. Titles are text: a « < » in
// a title is a character, not a tag.
func (t richText) plain(markup bool) string {
	inner := strings.TrimSpace(t.Inner)
	if rawElement.MatchString(inner) && !strings.HasPrefix(inner, "<![CDATA[") {
		return htmlText(inner)
	}
	if markup || strings.Contains(strings.ToLower(t.Type), "html") || t.Mode == "escaped" {
		return htmlText(t.Text)
	}
	return collapse(t.Text)
}

type rssLink struct {
	Href string `xml:"href,attr"`
	Text string `xml:",chardata"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Text        string `xml:",chardata"`
}

type rssItem struct {
	Title       richText  `xml:"title"`
	Links       []rssLink `xml:"link"`
	GUID        rssGUID   `xml:"guid"`
	About       string    `xml:"http://www.w3.org/1999/02/22-rdf-syntax-ns# about,attr"`
	PubDate     string    `xml:"pubDate"`
	DCDate      string    `xml:"http://purl.org/dc/elements/1.1/ date"`
	Description richText  `xml:"description"`
	Encoded     richText  `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
	Categories  []string  `xml:"category"`
	Subjects    []string  `xml:"http://purl.org/dc/elements/1.1/ subject"`
}

func rssItems(in []rssItem, base string) []Item {
	out := make([]Item, 0, len(in))
	for _, r := range in {
		it := Item{Title: r.Title.plain(false)}
		// The item's own <link>; an atom:link inside an item has an href.
		it.Link = resolve(base, firstText(r.Links))
		guid := strings.TrimSpace(r.GUID.Text)
		if it.Link == "" && guid != "" && !strings.EqualFold(r.GUID.IsPermaLink, "false") && looksLikeURL(guid) {
			it.Link = guid
		}
		if it.Link == "" {
			it.Link = strings.TrimSpace(r.About)
		}
		it.ID = guid
		if it.ID == "" {
			it.ID = it.Link
		}
		it.Summary = r.Description.plain(true)
		if it.Summary == "" {
			it.Summary = r.Encoded.plain(true)
		}
		for _, d := range []string{r.PubDate, r.DCDate} {
			if t, ok := ParseDate(d); ok {
				it.Published = t
				break
			}
		}
		for _, c := range append(r.Categories, r.Subjects...) {
			if c = collapse(c); c != "" {
				it.Descriptors = append(it.Descriptors, c)
			}
		}
		out = append(out, it)
	}
	return out
}

func firstText(links []rssLink) string {
	for _, l := range links {
		if s := strings.TrimSpace(l.Text); s != "" {
			return s
		}
	}
	return ""
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
	Href string `xml:"href,attr"`
}

type atomEntry struct {
	ID         string     `xml:"id"`
	Title      richText   `xml:"title"`
	Links      []atomLink `xml:"link"`
	Published  string     `xml:"published"`
	Updated    string     `xml:"updated"`
	Issued     string     `xml:"issued"`
	Modified   string     `xml:"modified"`
	Summary    richText   `xml:"summary"`
	Content    richText   `xml:"content"`
	Categories []struct {
		Term  string `xml:"term,attr"`
		Label string `xml:"label,attr"`
	} `xml:"category"`
}

func atomItems(in []atomEntry, base string) []Item {
	out := make([]Item, 0, len(in))
	for _, e := range in {
		it := Item{ID: strings.TrimSpace(e.ID), Title: e.Title.plain(false), Link: resolve(base, alternate(e.Links))}
		if it.ID == "" {
			it.ID = it.Link
		}
		it.Summary = e.Summary.plain(false)
		if it.Summary == "" {
			it.Summary = e.Content.plain(false)
		}
		for _, d := range []string{e.Published, e.Updated, e.Issued, e.Modified} {
			if t, ok := ParseDate(d); ok {
				it.Published = t
				break
			}
		}
		for _, c := range e.Categories {
			term := collapse(c.Term)
			if term == "" {
				term = collapse(c.Label)
			}
			if term != "" {
				it.Descriptors = append(it.Descriptors, term)
			}
		}
		out = append(out, it)
	}
	return out
}

// alternate picks the link a reader opens: rel="alternate" or no rel
// (which means alternate), HTML first; else any link with an address.
func alternate(links []atomLink) string {
	best, bestRank := "", 0
	for _, l := range links {
		href := strings.TrimSpace(l.Href)
		if href == "" {
			continue
		}
		rank := 1
		if rel := strings.ToLower(strings.TrimSpace(l.Rel)); rel == "" || rel == "alternate" {
			rank = 2
			if t := strings.ToLower(l.Type); t == "" || strings.Contains(t, "html") {
				rank = 3
			}
		}
		if rank > bestRank {
			best, bestRank = href, rank
		}
	}
	return best
}

// resolve makes a relative link absolute against the feed's site.
func resolve(base, link string) string {
	link = strings.TrimSpace(link)
	if link == "" || base == "" {
		return link
	}
	u, err := url.Parse(link)
	if err != nil || u.IsAbs() {
		return link
	}
	b, err := url.Parse(base)
	if err != nil {
		return link
	}
	return b.ResolveReference(u).String()
}

func looksLikeURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

var (
	htmlDropped = regexp.MustCompile(`(?is)<(?:script|style)\b.*?</(?:script|style)\s*>|<!--.*?-->`)
	htmlBreak   = regexp.MustCompile(`(?i)</?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|section|article|hr)\b[^>]*>`)
	htmlTag     = regexp.MustCompile(`</?[A-Za-z][^>]*>|<!\[CDATA\[|\]\]>|<![A-Za-z][^>]*>`)
)

// htmlText turns an HTML fragment into one line of text: block tags become
// spaces, other tags vanish, entities are decoded.
func htmlText(s string) string {
	s = htmlDropped.ReplaceAllString(s, " ")
	s = htmlBreak.ReplaceAllString(s, " ")
	s = htmlTag.ReplaceAllString(s, "")
	return collapse(html.UnescapeString(s))
}

// collapse trims and folds runs of ASCII blanks into one space; no-break
// spaces, which French typography uses on purpose, are kept.
func collapse(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.TrimSpace(s) {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// Date layouts met in feeds, tried in order after the weekday is dropped
// and zone names are made numeric.
var dateLayouts = []string{
	"2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04 -0700",
	"2 Jan 06 15:04:05 -0700",
	"2 Jan 06 15:04 -0700",
	"2 January 2006 15:04:05 -0700",
	"2 Jan 2006 15:04:05",
	"2 Jan 2006",
	time.RFC3339Nano,
	"2006-01-02T15:04:05-0700",
	"2006-01-02T15:04-07:00",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
}

var (
	weekday   = regexp.MustCompile(`(?i)^(?:mon|tue|wed|thu|fri|sat|sun|lun|mar|mer|jeu|ven|sam|dim)\p{L}*\.?,?\s+`)
	zoneNames = regexp.MustCompile(`\s(GMT|UTC|UT|Z|CET|CEST|BST|EST|EDT|CST|CDT|MST|MDT|PST|PDT)$`)
	zoneFix   = map[string]string{"GMT": "+0000", "UTC": "+0000", "UT": "+0000", "Z": "+0000", "CET": "+0100", "CEST": "+0200", "BST": "+0100",
		"EST": "-0500", "EDT": "-0400", "CST": "-0600", "CDT": "-0500", "MST": "-0700", "MDT": "-0600", "PST": "-0800", "PDT": "-0700"}
	frenchMonths = strings.NewReplacer(
		"janvier", "Jan", "février", "Feb", "fevrier", "Feb", "mars", "Mar", "avril", "Apr", "mai", "May", "juin", "Jun",
		"juillet", "Jul", "août", "Aug", "aout", "Aug", "septembre", "Sep", "octobre", "Oct", "novembre", "Nov", "décembre", "Dec", "decembre", "Dec",
		"janv.", "Jan", "févr.", "Feb", "fevr.", "Feb", "avr.", "Apr", "juil.", "Jul", "sept.", "Sep", "oct.", "Oct", "nov.", "Nov", "déc.", "Dec", "dec.", "Dec")
)

// ParseDate reads a feed date. Without a zone, the time is taken as UTC
// (what RFC 3339 readers do with a « local » time of an unknown place).
func ParseDate(s string) (time.Time, bool) {
	s = collapse(s)
	if s == "" {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	s = weekday.ReplaceAllString(s, "")
	s = frenchMonths.Replace(strings.ToLower(s))
	s = strings.ReplaceAll(s, " à ", " ")
	// Month names back to the case Go's parser wants.
	s = capitalizeMonths(s)
	if m := zoneNames.FindStringSubmatch(s); m != nil {
		s = s[:len(s)-len(m[1])] + zoneFix[m[1]]
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

var monthWord = regexp.MustCompile(`\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\b(gmt|utc|ut|z|cet|cest|bst|est|edt|cst|cdt|mst|mdt|pst|pdt)$|t(\d)`)

// capitalizeMonths undoes the lowering: « 07 dec 2026 » → « 07 Dec 2026 »,
// « cet » → « CET », « 2026-12-07t10:00 » → « 2026-12-07T10:00 ».
func capitalizeMonths(s string) string {
	return monthWord.ReplaceAllStringFunc(s, func(w string) string {
		switch {
		case len(w) == 2 && w[0] == 't':
			return "T" + w[1:]
		case zoneFix[strings.ToUpper(w)] != "":
			return strings.ToUpper(w)
		}
		return strings.ToUpper(w[:1]) + w[1:]
	})
}
