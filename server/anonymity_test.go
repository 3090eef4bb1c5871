package server_test

import (
	"archive/zip"
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/casp-cnam/casp/internal/app/testenv"
	"github.com/casp-cnam/casp/internal/pdf/pdftext"
)

// Anonymous marking holds for every version of a piece while one of its
// markings is unpublished: after a resubmission, the earlier version, its
// receipt, its PDF, its grading, the learner's progression and certification
// file, the results export and the attachments' names hide the learner from
// markers (issue 9, point 1).
func TestAnonymityHoldsForEveryVersionAndLink(t *testing.T) {
	t.Parallel()
	env := testenv.Start(t, true)
	ctx := context.Background()
	if err := env.Platform.Accounts.SetAnonymousMarking(ctx, 1, true); err != nil {
		t.Fatal(err)
	}
	u, err := env.Platform.Accounts.ByLogin(ctx, "apprenant08")
	if err != nil {
		t.Fatal(err)
	}
	name, uid := u.DisplayName, strconv.FormatInt(u.ID, 10)
	learner := env.NewClient()
	learner.Login("apprenant08", "demo")
	const title = "Note sur la domiciliation"
	piece, id := depositNote(t, learner, title)
	ass := env.NewClient()
	ass.Login("evaluateur1", "demo")
	g1 := ass.Submit("/evaluation", "/evaluation/pieces/"+id, url.Values{}).Location
	gradeAll(t, ass, g1, "1", "a_retravailler", "Reprenez l'analyse.", "pret")
	if r := ass.Submit(g1, g1, url.Values{"action": {"publier"}, "confirme": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("publication : %d", r.Status)
	}
	// Version 1 released: the name is revealed on it, as before.
	if r := ass.Get(piece + "/versions/1"); !strings.Contains(r.Body, name) {
		t.Fatal("le nom n'est pas levé après la publication de la version 1")
	}
	// The learner resubmits, with a file named after them.
	if _, err := env.Platform.Assessment.AddAttachment(ctx, u, mustInt(t, id), "note-"+strings.ReplaceAll(name, " ", "-")+".pdf", samplePDF); err != nil {
		t.Fatal(err)
	}
	r := learner.Submit(piece, piece, url.Values{"title": {title}, "draft": {"## Synthèse\n\nVersion reprise : l'analyse est approfondie."}, "action": {"deposer"}, "confirme": {"1"}})
	if r.Status != http.StatusSeeOther || !strings.Contains(r.Location, "/versions/2/") {
		t.Fatalf("second dépôt : %d %q", r.Status, r.Location)
	}
	fileWord := strings.Fields(name)[len(strings.Fields(name))-1]

	for _, who := range []string{"evaluateur1", "responsable"} {
		c := env.NewClient()
		c.Login(who, "demo")
		for _, path := range []string{piece, piece + "/versions/1", piece + "/versions/1/accuse", piece + "/versions/1/accuse?format=txt",
			piece + "/versions/2", piece + "/versions/2/accuse?format=txt"} {
			r := c.Get(path)
			if r.Status != http.StatusOK || strings.Contains(r.Body, name) || strings.Contains(r.Body, fileWord) {
				t.Fatalf("%s : %s (%d) nomme l'apprenant pendant la correction anonyme de la version 2", who, path, r.Status)
			}
		}
		for _, path := range []string{piece + "/versions/1/pdf", piece + "/versions/2/pdf", piece + "/versions/1/accuse?format=pdf", piece + "/versions/2/accuse?format=pdf"} {
			if _, pages := pdfText(t, c, path); strings.Contains(strings.Join(pages, "\n"), name) {
				t.Fatalf("%s : le PDF %s nomme l'apprenant", who, path)
			}
		}
		// Pages that name the learner do not name or link the piece.
		for _, path := range []string{"/apprenants/" + uid + "/progression", "/apprenants/" + uid + "/dossier"} {
			r := c.Get(path)
			if r.Status != http.StatusOK || !strings.Contains(r.Body, name) {
				t.Fatalf("%s : %s (%d) devrait rester lisible", who, path, r.Status)
			}
			if strings.Contains(r.Body, title) || strings.Contains(r.Body, "/portfolio/"+id+"\"") || strings.Contains(r.Body, "/portfolio/"+id+"/") {
				t.Fatalf("%s : %s relie la pièce en correction anonyme au nom de l'apprenant", who, path)
			}
		}
		if _, pages := pdfText(t, c, "/apprenants/"+uid+"/dossier.pdf"); strings.Contains(strings.Join(pages, "\n"), title) {
			t.Fatalf("%s : le dossier PDF cite la pièce en correction anonyme", who)
		}
		if r := c.Get("/promotions/1/resultats.csv"); r.Status != http.StatusOK || strings.Contains(r.Body, title) {
			t.Fatalf("%s : l'export des résultats (%d) relie la pièce en correction anonyme au nom", who, r.Status)
		}
		if who == "responsable" { // the jury's archive: every dossier as its page shows it
			r := c.Get("/promotions/1/jury/dossiers.zip")
			zr, err := zip.NewReader(strings.NewReader(r.Body), int64(len(r.Body)))
			if err != nil {
				t.Fatalf("archive du jury : %d %v", r.Status, err)
			}
			for _, f := range zr.File {
				rc, _ := f.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				doc, err := pdftext.Read(b)
				if err != nil {
					t.Fatal(err)
				}
				if all := strings.Join(strings.Fields(strings.Join(doc.Pages, " ")), " "); strings.Contains(all, name) && strings.Contains(all, strings.Join(strings.Fields(title), " ")) {
					t.Fatalf("archive du jury : %s relie la pièce en correction anonyme au nom", f.Name)
				}
			}
		}
	}
	// The grading of version 1 (published) does not name the learner now.
	if r := ass.Get(g1); r.Status != http.StatusOK || strings.Contains(r.Body, name) {
		t.Fatalf("l'évaluation publiée de la version 1 (%d) nomme l'apprenant", r.Status)
	}
	// The administrator (who does not mark) and the learner still read everything.
	admin := env.NewClient()
	admin.Login("admin", "demo")
	if r := admin.Get("/apprenants/" + uid + "/progression"); !strings.Contains(r.Body, title) {
		t.Fatal("l'administrateur ne voit plus la pièce dans la progression")
	}
	if r := learner.Get("/progression"); !strings.Contains(r.Body, title) {
		t.Fatal("l'apprenant ne voit plus sa pièce dans sa progression")
	}
	// Version 2 released: the identity is revealed everywhere.
	g2 := ass.Submit("/evaluation", "/evaluation/pieces/"+id, url.Values{}).Location
	gradeAll(t, ass, g2, "2", "valide", "Bien repris.", "pret")
	ass.Submit(g2, g2, url.Values{"action": {"publier"}, "confirme": {"1"}})
	if r := ass.Get(piece + "/versions/1"); !strings.Contains(r.Body, name) {
		t.Fatal("identité non levée après la publication de la version 2")
	}
	if r := ass.Get("/apprenants/" + uid + "/progression"); !strings.Contains(r.Body, title) {
		t.Fatal("la progression ne montre pas la pièce après publication")
	}
	if r := ass.Get(piece + "/versions/2"); !strings.Contains(r.Body, fileWord) {
		t.Fatal("le nom de la pièce jointe n'est pas rendu après publication")
	}
}
