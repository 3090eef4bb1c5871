package fonds

import (
	"bytes"
	"encoding/xml"
	"net/url"
	"sort"
	"time"
)

// Visible returns the items of the feed that have appeared by simulated day
// day (jour_simule <= day), newest first as feed readers expect.
func (fd *Feed) Visible(day int) []*Item {
	var out []*Item
	for i := range fd.Items {
		if fd.Items[i].Day <= day {
			out = append(out, &fd.Items[i])
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Published.After(out[j].Published) })
	return out
}

// EntryID is the stable, unique id of an item in generated feeds (RSS guid,
// Atom id): a tag URI (RFC 4151) on the feed's host.
func (fd *Feed) EntryID(it *Item) string {
	return "tag:" + hostOf(fd.Link) + ",2026:" + fd.ID + "/" + it.ID
}

// updated is the date of the newest visible item, or day 0 of the exercise
// when none has appeared yet.
func (fd *Feed) updated(items []*Item) time.Time {
	if len(items) == 0 {
		return Today
	}
	return items[0].Published
}

type rssOut struct {
	XMLName xml.Name      `xml:"rss"`
	Version string        `xml:"version,attr"`
	Atom    string        `xml:"xmlns:atom,attr"`
	Channel rssChannelOut `xml:"channel"`
}

type rssChannelOut struct {
	Title         string       `xml:"title"`
	Link          string       `xml:"link"`
	Self          atomLinkOut  `xml:"atom:link"`
	Description   string       `xml:"description"`
	Language      string       `xml:"language"`
	LastBuildDate string       `xml:"lastBuildDate"`
	Generator     string       `xml:"generator"`
	Items         []rssItemOut `xml:"item"`
}

type rssItemOut struct {
	Title       string     `xml:"title"`
	Link        string     `xml:"link"`
	GUID        rssGUIDOut `xml:"guid"`
	PubDate     string     `xml:"pubDate"`
	Description string     `xml:"description"`
	Categories  []string   `xml:"category"`
}

type rssGUIDOut struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

type atomLinkOut struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

// RSS writes the feed as it stands on simulated day day, in RSS 2.0. Dates
// are RFC 1123 with a numeric zone, as RSS requires (RFC 822 dates).
func RSS(fd *Feed, day int) ([]byte, error) {
	items := fd.Visible(day)
	ch := rssChannelOut{
		Title:         fd.Title,
		Link:          fd.Link,
		Self:          atomLinkOut{Rel: "self", Type: "application/rss+xml", Href: feedURL(fd, "rss")},
		Description:   fd.Description,
		Language:      "fr-FR",
		LastBuildDate: fd.updated(items).Format(time.RFC1123Z),
		Generator:     "casp — fonds documentaire",
	}
	for _, it := range items {
		ch.Items = append(ch.Items, rssItemOut{
			Title:       it.Title,
			Link:        it.Link,
			GUID:        rssGUIDOut{IsPermaLink: "false", Value: fd.EntryID(it)},
			PubDate:     it.Published.Format(time.RFC1123Z),
			Description: it.Summary,
			Categories:  it.Descriptors,
		})
	}
	return marshal(rssOut{Version: "2.0", Atom: atomNS, Channel: ch})
}

const atomNS = "http://www.w3.org/2005/Atom"

type atomOut struct {
	XMLName  xml.Name       `xml:"feed"`
	NS       string         `xml:"xmlns,attr"`
	Lang     string         `xml:"xml:lang,attr"`
	ID       string         `xml:"id"`
	Title    string         `xml:"title"`
	Subtitle string         `xml:"subtitle"`
	Updated  string         `xml:"updated"`
	Author   atomPersonOut  `xml:"author"`
	Links    []atomLinkOut  `xml:"link"`
	Entries  []atomEntryOut `xml:"entry"`
}

type atomPersonOut struct {
	Name string `xml:"name"`
}

type atomEntryOut struct {
	ID         string            `xml:"id"`
	Title      string            `xml:"title"`
	Links      []atomLinkOut     `xml:"link"`
	Published  string            `xml:"published"`
	Updated    string            `xml:"updated"`
	Summary    atomTextOut       `xml:"summary"`
	Categories []atomCategoryOut `xml:"category"`
}

type atomTextOut struct {
	Type  string `xml:"type,attr"`
	Value string `xml:",chardata"`
}

type atomCategoryOut struct {
	Term string `xml:"term,attr"`
}

// Atom writes the feed as it stands on simulated day day, in Atom 1.0
// (RFC 4287). Dates are RFC 3339.
func Atom(fd *Feed, day int) ([]byte, error) {
	items := fd.Visible(day)
	out := atomOut{
		NS:       atomNS,
		Lang:     "fr",
		ID:       "tag:" + hostOf(fd.Link) + ",2026:" + fd.ID,
		Title:    fd.Title,
		Subtitle: fd.Description,
		Updated:  fd.updated(items).Format(time.RFC3339),
		Author:   atomPersonOut{Name: fd.Publisher},
		Links: []atomLinkOut{
			{Rel: "alternate", Type: "text/html", Href: fd.Link},
			{Rel: "self", Type: "application/atom+xml", Href: feedURL(fd, "atom")},
		},
	}
	for _, it := range items {
		e := atomEntryOut{
			ID:        fd.EntryID(it),
			Title:     it.Title,
			Links:     []atomLinkOut{{Rel: "alternate", Type: "text/html", Href: it.Link}},
			Published: it.Published.Format(time.RFC3339),
			Updated:   it.Published.Format(time.RFC3339),
			Summary:   atomTextOut{Type: "text", Value: it.Summary},
		}
		for _, d := range it.Descriptors {
			e.Categories = append(e.Categories, atomCategoryOut{Term: d})
		}
		out.Entries = append(out.Entries, e)
	}
	return marshal(out)
}

// feedURL is where the feed itself would be served on its site, in the
// format ext.
func feedURL(fd *Feed, ext string) string {
	u, err := url.Parse(fd.Link)
	if err != nil {
		return fd.Link
	}
	return u.ResolveReference(&url.URL{Path: "/flux/" + fd.ID + "." + ext}).String()
}

func hostOf(link string) string {
	if u, err := url.Parse(link); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "casp.example"
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}
