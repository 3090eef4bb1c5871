package server

import (
	"bufio"
	"io"
	"net"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/assessment/document"
	"github.com/casp-cnam/casp/assessment/export"
	"github.com/casp-cnam/casp/internal/apperr"
	"github.com/casp-cnam/casp/internal/tabular"
)

// Spreadsheet exports of a cohort: the heatmap, the released results and
// the assessors' statistics, as CSV (one table, for French Excel) or XLSX
// (every table, one sheet each). The tables are built by exported functions
// so that `casp export` writes the very same files.

// MIME types of the exports.
const (
	mimeCSV  = "text/csv; charset=utf-8"
	mimeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// exportFormat reads the :format parameter: csv or xlsx, anything else is
// a page that does not exist.
func exportFormat(c *fiber.Ctx) (string, error) {
	switch f := c.Params("format"); f {
	case "csv", "xlsx":
		return f, nil
	}
	return "", apperr.New(apperr.NotFound, "Format d'export inconnu : CSV ou XLSX.")
}

// sendTables writes the first table as CSV, or every table as XLSX, as an
// attachment named after the export, the cohort and the day. The tables are
// checked first, so an error is an error page, never half a file; then the
// file is written as it is sent.
func (s *Server) sendTables(c *fiber.Ctx, format, what string, co account.Cohort, tables ...*tabular.Table) error {
	// A results export of 150,000 lines is never held whole: its rows are
	// read once, checked, and kept in a temporary file until sent (an
	// error is still a page, never half a file).
	widened := widenMemory()
	release, err := tabular.Spool("", tables...)
	if err != nil {
		widened()
		return err
	}
	return s.sendSpooled(c, format, what, co, func() { release(); widened() }, tables...)
}

// sendSpooled sends tables already checked (spooled): done runs once the
// file is written, or failed.
func (s *Server) sendSpooled(c *fiber.Ctx, format, what string, co account.Cohort, done func(), tables ...*tabular.Table) error {
	name := ExportFileName(what, co.Name, time.Now(), format)
	title := strings.ToUpper(what[:1]) + what[1:] + " — " + co.Name
	if format == "csv" {
		c.Set(fiber.HeaderContentType, mimeCSV)
	} else {
		c.Set(fiber.HeaderContentType, mimeXLSX)
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store") // personal data
	log := s.log
	conn := c.Context().Conn()
	c.Context().SetBodyStreamWriter(func(bw *bufio.Writer) {
		defer done()
		// The write deadline runs from the last progress, not from the
		// start: the results of 10,000 learners take a minute to write; a
		// client that stops reading is still cut off.
		w := &progressWriter{w: bw, conn: conn}
		var err error
		if format == "csv" {
			err = tabular.WriteCSV(w, tables[0])
		} else {
			err = tabular.WriteXLSX(w, tabular.Workbook{Title: title}, tables...)
		}
		if err == nil {
			err = bw.Flush()
		}
		if err != nil {
			log.Error("export interrompu", "export", name, "err", err)
		}
	})
	return nil
}

// progressWriter pushes the connection's write deadline back as an
// export is written (at most every few seconds).
type progressWriter struct {
	w    io.Writer
	conn net.Conn
	last time.Time
}

// exportStall is how long an export may make no progress.
const exportStall = 60 * time.Second

func (p *progressWriter) Write(b []byte) (int, error) {
	if now := time.Now(); p.conn != nil && now.Sub(p.last) > 5*time.Second {
		p.last = now
		p.conn.SetWriteDeadline(now.Add(exportStall))
	}
	return p.w.Write(b)
}

// ExportFileName is a safe file name: « couverture-promotion-2026-2026-03-10.csv »
// (ASCII letters, digits and dashes: the cohort name loses its accents and
// anything that could break a header or a path).
func ExportFileName(what, cohort string, day time.Time, format string) string {
	slug := document.Slug(what+" "+cohort, 80)
	return slug + "-" + day.In(tabular.Paris).Format("2006-01-02") + "." + format
}

// coverageExport is the whole cohort's heatmap.
func (s *Server) coverageExport(c *fiber.Ctx) error {
	format, err := exportFormat(c)
	if err != nil {
		return err
	}
	co, err := s.cohortFor(c, false)
	if err != nil {
		return err
	}
	h, err := s.assess.Heatmap(c.UserContext(), co.ID, assessment.HeatmapFilter{Sort: c.Query("tri"), All: true})
	if err != nil {
		return err
	}
	s.auditRead(c, 0, "export de la couverture de la promotion "+co.Name+" ("+format+")")
	learners, totals := export.CoverageTables(h)
	return s.sendTables(c, format, "couverture", co, learners, totals)
}

// resultsExport is every released result of the cohort.
func (s *Server) resultsExport(c *fiber.Ctx) error {
	format, err := exportFormat(c)
	if err != nil {
		return err
	}
	co, err := s.cohortFor(c, false)
	if err != nil {
		return err
	}
	viewer, ctx := *currentUser(c), c.UserContext()
	levels, summary, fill := export.ResultsTables(s.fw, func(fn func(assessment.CohortResult) error) error {
		return s.assess.EachCohortResult(ctx, co.ID, func(r assessment.CohortResult) error {
			if !assessment.ResultVisible(viewer, r) {
				return nil
			}
			return fn(r)
		})
	})
	s.auditRead(c, 0, "export des résultats de la promotion "+co.Name+" ("+format+")")
	// Both sheets from one read of the results (the CSV holds the levels).
	if format == "csv" {
		levelsOnly := fill
		fill = func(emit func(int, ...any) error) error {
			return levelsOnly(func(i int, v ...any) error {
				if i != 0 {
					return nil
				}
				return emit(0, v...)
			})
		}
	}
	widened := widenMemory()
	tables := []*tabular.Table{levels, summary}
	if format == "csv" {
		tables = tables[:1]
	}
	release, err := tabular.SpoolFilled("", fill, tables...)
	if err != nil {
		widened()
		return err
	}
	done := func() { release(); widened() }
	if format == "xlsx" {
		return s.sendSpooled(c, format, "resultats", co, done, summary, levels)
	}
	return s.sendSpooled(c, format, "resultats", co, done, levels)
}

// assessorsExport is the assessors' statistics (an assessor gets their own
// line, as on the page).
func (s *Server) assessorsExport(c *fiber.Ctx) error {
	format, err := exportFormat(c)
	if err != nil {
		return err
	}
	co, w, err := s.workloadFor(c, 0, 0)
	if err != nil {
		return err
	}
	rows, pairs, totals := export.AssessorTables(w)
	return s.sendTables(c, format, "evaluateurs", co, rows, totals, pairs)
}
