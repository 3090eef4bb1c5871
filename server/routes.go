package server

import "github.com/casp-cnam/casp/account"

// routes is the route table: every page's handler is one hop from here.
func (s *Server) routes() {
	a := s.app
	anyone := []account.Role{account.Admin, account.Manager, account.Assessor, account.Learner}
	staff := []account.Role{account.Admin, account.Manager, account.Assessor}

	// Accounts with a temporary password must choose theirs first.
	a.Use(s.passwordGate)

	a.Get("/", s.home)
	a.Get("/connexion", s.loginForm)
	a.Post("/connexion", s.login)
	a.Post("/deconnexion", s.logout)
	a.Get("/accessibilite", s.staticPage("accessibilite", "Accessibilité"))
	a.Get("/donnees-personnelles", s.staticPage("donnees-personnelles", "Données personnelles"))

	a.Get("/compte", s.require(anyone...), s.accountPage)
	a.Get("/compte/mot-de-passe", s.require(anyone...), s.passwordForm)
	a.Post("/compte/mot-de-passe", s.require(anyone...), s.changePassword)
	// The export is a POST: it is recorded, with the access log up to
	// that instant; the old address leads to the page with its button.
	a.Post("/compte/export.zip", s.require(anyone...), s.ownExport)
	a.Get("/compte/export.zip", s.require(anyone...), seeOther("/compte"))

	// The framework is public: a trainee-to-be may read it before enrolling.
	a.Get("/referentiel", s.frameworkIndex)
	a.Get("/referentiel/taches/:id", s.frameworkTask)
	a.Get("/referentiel/lacunes", s.frameworkGaps)
	a.Get("/referentiel/productions", s.deliverableKinds)
	a.Get("/referentiel/productions/:id", s.deliverableKind)
	a.Get("/api/v1/referentiel", s.frameworkExport)

	a.Get("/promotions", s.require(staff...), s.cohortList)
	a.Get("/promotions/nouvelle", s.require(account.Admin, account.Manager), s.cohortForm)
	a.Post("/promotions", s.require(account.Admin, account.Manager), s.cohortCreate)
	a.Get("/promotions/:id", s.require(staff...), s.cohortPage)
	a.Post("/promotions/:id/membres", s.require(account.Admin, account.Manager), s.cohortMembers)
	a.Get("/promotions/:id/modifier", s.require(account.Admin, account.Manager), s.cohortEditForm)
	a.Post("/promotions/:id/modifier", s.require(account.Admin, account.Manager), s.cohortUpdate)
	a.Get("/promotions/:id/echeances", s.require(account.Admin, account.Manager), s.deadlinesForm)
	a.Post("/promotions/:id/echeances", s.require(account.Admin, account.Manager), s.deadlinesSave)
	a.Get("/promotions/:id/import", s.require(account.Admin, account.Manager), s.importForm)
	a.Post("/promotions/:id/import", s.require(account.Admin, account.Manager), s.importUpload)
	a.Get("/promotions/:id/import/modele.csv", s.require(account.Admin, account.Manager), s.importTemplate)
	a.Get("/promotions/:id/import/:token", s.require(account.Admin, account.Manager), s.importPreview)
	a.Post("/promotions/:id/import/:token", s.require(account.Admin, account.Manager), s.importConfirm)

	a.Get("/promotions/:id/groupes", s.require(staff...), s.groupsPage)
	a.Post("/promotions/:id/groupes", s.require(account.Admin, account.Manager), s.groupSave)
	a.Post("/promotions/:id/groupes/:gid", s.require(account.Admin, account.Manager), s.groupSave)

	learner := s.require(account.Learner)
	a.Get("/portfolio", learner, s.portfolio)
	a.Get("/portfolio/nouvelle", learner, s.pieceForm)
	a.Post("/portfolio", learner, s.pieceCreate)
	a.Post("/portfolio/collectif", learner, s.collectiveCreate)
	a.Post("/portfolio/:id/partie", learner, s.individualPart)
	a.Get("/portfolio/:id", s.require(anyone...), s.piecePage)
	a.Post("/portfolio/:id", learner, s.pieceSave)
	a.Post("/portfolio/:id/apercu", learner, s.preview)
	a.Post("/portfolio/:id/liens", learner, s.pieceLinks)
	a.Get("/portfolio/:id/pieces-jointes/:aid", s.require(anyone...), s.attachmentDownload)
	a.Get("/portfolio/:id/versions/:n", s.require(anyone...), s.versionPage)
	a.Get("/portfolio/:id/versions/:n/accuse", s.require(anyone...), s.receipt)
	a.Get("/portfolio/:id/versions/:n/carte.:format", s.require(anyone...), s.mapDownload)
	a.Get("/portfolio/:id/versions/:n/pdf", s.require(anyone...), s.versionPDFDownload)
	a.Get("/progression", learner, s.progression)
	a.Get("/apprenants/:id/progression", s.require(staff...), s.progression)
	a.Get("/apprenants/:id/dossier", s.require(anyone...), s.dossier)
	a.Get("/apprenants/:id/dossier.pdf", s.require(anyone...), s.dossierPDF)
	a.Post("/apprenants/:id/jury", s.require(account.Admin, account.Manager), s.juryDecide)
	a.Get("/apprenants/:id/jury/:did/dossier.json", s.require(anyone...), s.decisionSnapshot)
	a.Get("/promotions/:id/jury", s.require(account.Admin, account.Manager), s.juryList)
	a.Get("/promotions/:id/jury/proces-verbal.pdf", s.require(account.Admin, account.Manager), s.juryMinutes)
	a.Get("/promotions/:id/jury/dossiers.zip", s.require(account.Admin, account.Manager), s.juryDossiers)

	// Managers reach the queue for arbitration only.
	assessor := s.require(account.Assessor, account.Manager)
	a.Get("/evaluation", assessor, s.queue)
	a.Get("/evaluation/statistiques", s.require(account.Assessor), s.assessorStats)
	a.Get("/evaluation/publiees", assessor, s.releasedList)
	a.Post("/evaluation/pieces/:id", assessor, s.gradingStart)
	a.Get("/evaluation/:gid", assessor, s.gradingPage)
	a.Post("/evaluation/:gid", assessor, s.gradingSave)
	a.Get("/promotions/:id/couverture", s.require(staff...), s.coverage)
	a.Get("/api/v1/promotions/:id/couverture", s.require(staff...), s.coverageJSON)
	// Exports (csv, xlsx) and the assessors' statistics; the dotted routes
	// do not clash with the pages (see server/exports_test.go).
	a.Get("/promotions/:id/couverture.:format", s.require(staff...), s.coverageExport)
	a.Get("/promotions/:id/resultats.:format", s.require(staff...), s.resultsExport)
	a.Get("/promotions/:id/evaluateurs", s.require(staff...), s.assessorsPage)
	a.Get("/promotions/:id/evaluateurs.:format", s.require(staff...), s.assessorsExport)
	a.Get("/promotions/:id/evaluation", s.require(account.Admin, account.Manager), s.markingPage)
	a.Post("/promotions/:id/evaluation", s.require(account.Admin, account.Manager), s.markingSave)
	a.Post("/promotions/:id/bac-a-sable", s.require(account.Admin, account.Manager), s.sandboxSetting)

	// Live evaluations (server/live.go, server/livesheet.go): sessions,
	// convocations, the jury's sheets.
	a.Get("/epreuves", s.require(anyone...), s.myLiveEvaluations)
	a.Get("/promotions/:id/epreuves", s.require(staff...), s.cohortSessions)
	a.Get("/promotions/:id/epreuves/nouvelle", s.require(account.Admin, account.Manager), s.sessionForm)
	a.Post("/promotions/:id/epreuves", s.require(account.Admin, account.Manager), s.sessionCreate)
	a.Get("/epreuves/passages/:slot", s.require(staff...), s.liveSheet)
	a.Post("/epreuves/passages/:slot", s.require(account.Assessor, account.Manager), s.liveSheetSave)
	a.Post("/epreuves/passages/:slot/presence", s.require(staff...), s.slotAttendance)
	a.Post("/epreuves/passages/:slot/resultat", s.require(account.Assessor, account.Manager), s.liveResult)
	a.Get("/epreuves/passages/:slot/ecrit", s.require(staff...), s.liveWritten)
	a.Get("/epreuves/passages/:slot/convocation", s.require(anyone...), s.convocation)
	a.Get("/epreuves/passages/:slot/convocation.ics", s.require(anyone...), s.convocationICS)
	a.Get("/epreuves/:sid", s.require(staff...), s.sessionPage)
	a.Get("/epreuves/:sid/modifier", s.require(account.Admin, account.Manager), s.sessionEditForm)
	a.Post("/epreuves/:sid/modifier", s.require(account.Admin, account.Manager), s.sessionUpdate)
	a.Post("/epreuves/:sid/convocations", s.require(account.Admin, account.Manager), s.sessionSend)
	a.Post("/epreuves/:sid/jury-exterieur", s.require(account.Admin, account.Manager), s.externalJury)
	a.Get("/epreuves/:sid/notes", s.require(staff...), s.examPage)
	a.Post("/epreuves/:sid/notes", s.require(staff...), s.examSave)
	a.Post("/epreuves/:sid/notes/import", s.require(staff...), s.examImport)
	a.Post("/epreuves/:sid/notes/publier", s.require(staff...), s.examPublish)

	// The sandbox: territory, fiches and scenarios are fictional, public.
	a.Get("/territoire", s.territory)
	a.Get("/territoire/:id", s.structurePage)
	a.Get("/fiches", s.fiches)
	a.Get("/fiches/:id", s.fichePage)
	a.Get("/fonds", s.fundSearch)
	a.Get("/fonds/:id", s.fundDocument)
	a.Get("/veille", s.watchPage)
	a.Get("/veille/:file", s.watchFeed)
	a.Get("/cas", s.scenarios)
	a.Get("/cas/:id", s.scenarioPage)
	a.Post("/cas/:id/ouvrir", learner, s.caseOpen)
	a.Get("/dossiers", learner, s.caseList)
	a.Get("/dossiers/:id", s.require(anyone...), s.casePage)
	a.Get("/dossiers/:id/debrief", s.require(anyone...), s.caseDebrief)
	a.Get("/dossiers/:id/contrat", s.require(anyone...), s.contractPrint)
	// One route per action on a case file (server/casework.go).
	anyoneIn := s.require(anyone...)
	a.Post("/dossiers/:id/question", anyoneIn, s.onCase(caseAsk))
	a.Post("/dossiers/:id/question-libre", anyoneIn, s.onCase(caseAskFree))
	a.Post("/dossiers/:id/geste", anyoneIn, s.onCase(caseMove))
	a.Post("/dossiers/:id/situation", anyoneIn, s.onCase(caseNoteSituation))
	a.Post("/dossiers/:id/lever", anyoneIn, s.onCase(caseLiftSituation))
	a.Post("/dossiers/:id/urgence", anyoneIn, s.onCase(caseSetUrgency))
	a.Post("/dossiers/:id/diagnostic", anyoneIn, s.onCase(caseSaveDiagnostic))
	a.Post("/dossiers/:id/orientation", anyoneIn, s.onCase(caseRefer))
	a.Post("/dossiers/:id/objectif", anyoneIn, s.onCase(caseAddGoal))
	a.Post("/dossiers/:id/objectif-etat", anyoneIn, s.onCase(caseSetGoalStatus))
	a.Post("/dossiers/:id/action", anyoneIn, s.onCase(caseAddAction))
	a.Post("/dossiers/:id/action-etat", anyoneIn, s.onCase(caseSetActionStatus))
	a.Post("/dossiers/:id/contrat", anyoneIn, s.onCase(caseSaveContract))
	a.Post("/dossiers/:id/rdv", anyoneIn, s.onCase(caseAddAppointment))
	a.Post("/dossiers/:id/rdv-etat", anyoneIn, s.onCase(caseSetAppointmentStatus))
	a.Post("/dossiers/:id/temps", anyoneIn, s.onCase(caseAdvance))
	a.Post("/dossiers/:id/bilan", anyoneIn, s.onCase(caseSaveReview))
	a.Post("/dossiers/:id/clore", anyoneIn, s.onCase(caseClose))
	a.Post("/dossiers/:id/commentaire", anyoneIn, s.onCase(caseAddComment))
	a.Post("/dossiers/:id/portfolio", anyoneIn, s.onCase(caseToPiece))
	// An « organiser l'accueil » exercise (server/reception.go).
	a.Get("/exercices/:id", s.require(anyone...), s.attemptPage)
	a.Get("/exercices/:id/debrief", s.require(anyone...), s.attemptDebrief)
	a.Post("/exercices/:id/plan", anyoneIn, s.onAttempt(s.attemptPlan))
	a.Post("/exercices/:id/dossier", anyoneIn, s.onAttempt(s.dossierSave))
	a.Post("/exercices/:id/analyse", anyoneIn, s.onAttempt(s.attemptAnalysis))
	a.Post("/exercices/:id/terminer", anyoneIn, s.onAttempt(s.attemptFinish))
	a.Post("/exercices/:id/portfolio", anyoneIn, s.onAttempt(s.attemptToPiece))

	a.Get("/admin/comptes", s.require(account.Admin), s.userList)
	a.Get("/admin/comptes/nouveau", s.require(account.Admin), s.userForm)
	a.Post("/admin/comptes", s.require(account.Admin), s.userCreate)
	// Personal data: inventory, export, erasure (server/privacy.go).
	a.Get("/admin/comptes/:id", s.require(account.Admin), s.accountAdmin)
	a.Post("/admin/comptes/:id", s.require(account.Admin), s.accountAdminSave)
	a.Get("/admin/comptes/:id/donnees", s.require(account.Admin), s.userData)
	a.Post("/admin/comptes/:id/export.zip", s.require(account.Admin), s.userExport)
	a.Get("/admin/comptes/:id/export.zip", s.require(account.Admin), s.userExportPage)
	a.Get("/admin/comptes/:id/effacer", s.require(account.Admin), s.eraseForm)
	a.Post("/admin/comptes/:id/effacer", s.require(account.Admin), s.erase)
	a.Get("/admin/journal", s.require(account.Admin), s.auditLog)

	// Old addresses (one word per entity now: /promotions/…) still lead there.
	a.Get("/cohortes/*", movedTo("/promotions/"))
	a.Get("/api/v1/cohortes/*", movedTo("/api/v1/promotions/"))

	a.Use(s.notFound)
}
