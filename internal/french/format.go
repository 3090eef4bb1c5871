// Package french writes dates, times, numbers, plurals and sizes the French
// way, in the Europe/Paris time zone (loaded once), and sorts text in French
// order (the collator that SQLite's FRANCAIS collation also uses).
package french

import (
	"math"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Paris must resolve on machines without a zoneinfo database
)

// Paris is the time zone every date is shown in.
var Paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return loc
}()

var months = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// Date formats « 25 novembre 2026 » (« 1er » for the first of the month).
func Date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.In(Paris)
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return day + " " + months[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// Time formats « 14 h 30 ».
func Time(t time.Time) string {
	t = t.In(Paris)
	return strconv.Itoa(t.Hour()) + " h " + twoDigits(t.Minute())
}

// DateTime formats « 25 novembre 2026 à 14 h 30 ».
func DateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return Date(t) + " à " + Time(t)
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// Number formats an integer the French way: « 1 234 » with a narrow no-break space.
func Number(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Plural picks the singular or plural noun: « 1 tâche », « 9 tâches ».
func Plural(n int, one, many string) string {
	if n == 0 || n == 1 {
		return Number(n) + "\u00a0" + one
	}
	return Number(n) + "\u00a0" + many
}

// Size writes a byte count in binary units with a decimal comma:
// « 850 octets », « 12,4 Kio », « 12,4 Mio », « 10 Mio » (no « ,0 »).
func Size(n int64) string {
	switch {
	case n < 1<<10:
		if n <= 1 {
			return strconv.FormatInt(n, 10) + " octet"
		}
		return strconv.FormatInt(n, 10) + " octets"
	case n < 1<<20:
		return oneDecimal(float64(n)/(1<<10)) + " Kio"
	default:
		return oneDecimal(float64(n)/(1<<20)) + " Mio"
	}
}

// oneDecimal rounds to one decimal, with a comma, and drops « ,0 ».
func oneDecimal(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	return strings.Replace(strings.TrimSuffix(s, ".0"), ".", ",", 1)
}

// Duration reads a duration in days, or in hours under a day:
// « 3,5 jours », « 1 jour », « 5 h », « moins d'une heure ».
func Duration(d time.Duration) string {
	switch {
	case d < time.Hour:
		return "moins d'une heure"
	case d < 24*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + "\u00a0h"
	}
	v := math.Round(d.Hours()/24*10) / 10
	s := strings.TrimSuffix(strings.Replace(strconv.FormatFloat(v, 'f', 1, 64), ".", ",", 1), ",0")
	if v < 2 {
		return s + "\u00a0jour"
	}
	return s + "\u00a0jours"
}

// Days counts calendar days from the Paris day of moment to the calendar
// date day (its year, month and day, whatever its zone): negative when day
// is already past.
func Days(moment, day time.Time) int {
	m := moment.In(Paris)
	from := time.Date(m.Year(), m.Month(), m.Day(), 0, 0, 0, 0, time.UTC)
	to := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	return int(to.Sub(from).Hours() / 24)
}
