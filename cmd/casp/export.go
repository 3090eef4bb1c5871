package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/assessment/export"
	"github.com/casp-cnam/casp/internal/app"
	"github.com/casp-cnam/casp/internal/tabular"
	"github.com/casp-cnam/casp/referentiel"
)

const exportCoverageUsage = "casp export couverture --cohorte ID --format csv|xlsx|json [--db casp.db] [--out FICHIER]"

// exportCoverage writes a whole cohort's heatmap: the same files as
// /promotions/ID/couverture.csv and .xlsx, or the JSON of the API. The read
// of the learners' data is audited like the web export.
func exportCoverage(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("export couverture", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cohortID := fs.Int64("cohorte", 0, "identifiant de la promotion")
	format := fs.String("format", "", "csv, xlsx ou json")
	path := fs.String("db", "casp.db", "fichier de la base SQLite")
	out := fs.String("out", "", "fichier de sortie (par défaut la sortie standard)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stdout, "Utilisation : %s\n", exportCoverageUsage)
			return nil
		}
		return fmt.Errorf("option invalide (%v)\nUtilisation : %s", err, exportCoverageUsage)
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("argument inattendu %q\nUtilisation : %s", fs.Arg(0), exportCoverageUsage)
	case *format != "csv" && *format != "xlsx" && *format != "json":
		return fmt.Errorf("--format attend csv, xlsx ou json\nUtilisation : %s", exportCoverageUsage)
	case *cohortID <= 0:
		return fmt.Errorf("indiquez la promotion avec --cohorte ID (son numéro, dans l'adresse /promotions/ID)\nUtilisation : %s", exportCoverageUsage)
	}
	// Opening a missing file would create an empty database.
	if _, err := os.Stat(*path); err != nil {
		return fmt.Errorf("base %s introuvable", *path)
	}
	cat, err := referentiel.Load()
	if err != nil {
		return err
	}
	d, err := app.OpenDB(ctx, *path)
	if err != nil {
		return err
	}
	defer d.Close()
	acc := account.New(d)
	co, err := acc.Cohort(ctx, *cohortID)
	if err != nil {
		return fmt.Errorf("promotion %d introuvable dans %s", *cohortID, *path)
	}
	h, err := assessment.New(d, cat, *path+".fichiers").Heatmap(ctx, co.ID, assessment.HeatmapFilter{All: true})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	learners, totals := export.CoverageTables(h)
	switch *format {
	case "json":
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		err = enc.Encode(export.Heatmap(co, h))
	case "csv":
		err = tabular.WriteCSV(&buf, learners)
	case "xlsx":
		err = tabular.WriteXLSX(&buf, tabular.Workbook{Title: "Couverture — " + co.Name}, learners, totals)
	}
	if err != nil {
		return err
	}
	acc.Audit(ctx, account.Entry{ActorLogin: "ligne de commande", Action: account.ActionRead,
		Target: "export de la couverture de la promotion " + co.Name + " (" + *format + ")"})
	if *out == "" {
		_, err = buf.WriteTo(stdout)
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Couverture de %s (%d apprenants × %d capacités) écrite dans %s\n", co.Name, h.Learners, len(h.Columns), *out)
	return nil
}
