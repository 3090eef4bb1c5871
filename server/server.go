// Package server is casp's web layer: the fiber app, its middleware, the
// route table and thin handlers that read input, call one domain function
// and render. It knows nothing of SQL.
package server

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/session"

	"github.com/casp-cnam/casp/account"
	"github.com/casp-cnam/casp/assessment"
	"github.com/casp-cnam/casp/casework"
	"github.com/casp-cnam/casp/internal/db"
	"github.com/casp-cnam/casp/referentiel"
	"github.com/casp-cnam/casp/views"
)

// Default session lifetimes: idle timeout (refreshed on each request) and
// absolute timeout (from login, whatever the activity).
const (
	DefaultIdleTimeout     = 30 * time.Minute
	DefaultAbsoluteTimeout = 10 * time.Hour
)

// Config is what the server needs.
type Config struct {
	DB         *db.DB
	Accounts   *account.Service
	Assessment *assessment.Service
	Cases      *casework.Store
	Catalog    *referentiel.Catalog
	Demo       bool
	Secure     bool // cookies marked Secure (behind HTTPS)
	Logger     *slog.Logger
	BaseURL    string
	BodyLimit  int
	// Batch commits what reads record (audit entries, session expiry);
	// nil: sessions are not touched by reads.
	Batch *db.Batch
	// TrustedProxies are the reverse proxies whose X-Forwarded-For gives
	// the client's address (see clientip.go).
	TrustedProxies Proxies
	// Session lifetimes; zero means the defaults.
	IdleTimeout, AbsoluteTimeout time.Duration
}

// Server holds the handlers' dependencies.
type Server struct {
	cfg      Config
	app      *fiber.App
	views    *views.Renderer
	sessions *session.Store
	storage  *account.SessionStorage
	accounts *account.Service
	assess   *assessment.Service
	cases    *casework.Store
	fw       *referentiel.Framework
	log      *slog.Logger
	// csrfSecret derives the forms' CSRF tokens (see csrf.go).
	csrfSecret []byte
	// learnerLists keeps each cohort's learners sorted (cohorts.go).
	learnerLists learnerLists
}

// New builds the app and its routes.
func New(cfg Config) (*Server, error) {
	r, err := renderer(cfg.Cases)
	if err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.BodyLimit == 0 {
		cfg.BodyLimit = 12 << 20
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.AbsoluteTimeout == 0 {
		cfg.AbsoluteTimeout = DefaultAbsoluteTimeout
	}
	s := &Server{cfg: cfg, views: r, accounts: cfg.Accounts, assess: cfg.Assessment, cases: cfg.Cases, fw: cfg.Catalog.Default(), log: cfg.Logger}
	if s.csrfSecret, err = cfg.Accounts.Secret(context.Background(), "csrf"); err != nil {
		return nil, err
	}
	s.storage = account.NewSessionStorage(cfg.DB)
	if cfg.Batch != nil {
		s.storage.TouchThrough(cfg.Batch, cfg.IdleTimeout)
	}
	s.sessions = session.New(session.Config{
		Storage:    s.storage,
		Expiration: cfg.IdleTimeout,
		KeyLookup:  "cookie:" + sessionCookie,
		// The cookie lasts as long as the browser session; the server ends
		// the session after IdleTimeout without a request (pushed back as
		// requests come, see account.SessionStorage) or AbsoluteTimeout.
		CookieSessionOnly: true,
		CookieHTTPOnly:    true,
		CookieSecure:      cfg.Secure,
		CookieSameSite:    "Lax",
		CookiePath:        "/",
	})
	s.app = fiber.New(fiber.Config{
		AppName:               "casp",
		DisableStartupMessage: true,
		ErrorHandler:          s.handleError,
		BodyLimit:             cfg.BodyLimit,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
	})
	s.app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: func(c *fiber.Ctx, e any) {
		s.log.Error("panique", "path", c.Path(), "err", e)
	}}))
	// Pages, JSON, CSV, SVG, scripts and styles compressed with gzip when
	// the client accepts it; the CSRF token in each page is masked per
	// response (csrf.go), so compression reveals nothing of it.
	s.app.Use(preferGzip)
	s.app.Use(compress.New(compress.Config{Level: compress.LevelBestSpeed, Next: alreadyCompressed}))
	s.app.Use(s.withDeadline)
	s.app.Use(helmet.New(helmet.Config{
		ContentSecurityPolicy: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
		XFrameOptions:      "DENY",
		ReferrerPolicy:     "same-origin",
		PermissionPolicy:   "camera=(), microphone=(), geolocation=(), payment=()",
		HSTSMaxAge:         31536000,
		ContentTypeNosniff: "nosniff",
	}))
	// Pages name static files with their fingerprint (?v=…): a year, immutable.
	s.app.Use("/static", func(c *fiber.Ctx) error {
		err := c.Next()
		if c.Query("v") != "" && c.Response().StatusCode() == fiber.StatusOK {
			c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
		}
		return err
	}, filesystem.New(filesystem.Config{Root: httpFS(views.Static()), MaxAge: 3600}))
	s.app.Get("/healthz", s.healthz)
	s.app.Use(validText)
	s.app.Use(s.loadUser)
	// Every page seen signed in carries personal data (at least the name in
	// the header): no copy is kept by the browser or a proxy. Handlers may
	// say more (« private, no-store »), never less.
	s.app.Use(func(c *fiber.Ctx) error {
		if currentUser(c) != nil {
			c.Set(fiber.HeaderCacheControl, "no-store")
		}
		return c.Next()
	})
	s.app.Use(s.csrf)
	s.routes()
	return s, nil
}

// preferGzip leaves brotli out of what the client accepts: at the speed a
// page is compressed on the fly, gzip level 1 is two to three times
// cheaper than brotli's fastest level and its output no larger (measured
// on a heatmap page: 106 µs and 11.4 KB against 228 µs and 11.6 KB).
func preferGzip(c *fiber.Ctx) error {
	h := &c.Request().Header
	if ae := h.Peek(fiber.HeaderAcceptEncoding); bytes.Contains(ae, []byte("br")) {
		if bytes.Contains(ae, []byte("gzip")) {
			h.Set(fiber.HeaderAcceptEncoding, "gzip")
		} else {
			h.Del(fiber.HeaderAcceptEncoding)
		}
	}
	return c.Next()
}

// alreadyCompressed says which responses compression would only slow down:
// PDF files (the dossier's, a version's at …/versions/:n/pdf), ZIP and XLSX
// files (compressed formats) and attachments (PDF, ODT, DOCX).
func alreadyCompressed(c *fiber.Ctx) bool {
	p := c.Path()
	for _, end := range []string{".pdf", "/pdf", ".zip", ".xlsx"} {
		if strings.HasSuffix(p, end) {
			return true
		}
	}
	return strings.Contains(p, "/pieces-jointes/")
}

// RequestTimeout bounds the work of one request: its queries stop when it
// passes.
const RequestTimeout = 30 * time.Second

// withDeadline runs the request under a context with a deadline, and turns
// its error into a page before that context ends (the error page may audit
// a refusal, which needs the context).
func (s *Server) withDeadline(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(context.Background(), RequestTimeout)
	defer cancel()
	c.SetUserContext(ctx)
	if err := c.Next(); err != nil {
		return s.handleError(c, err)
	}
	return nil
}

// App exposes the fiber app (tests drive it through real HTTP).
func (s *Server) App() *fiber.App { return s.app }

// Listen serves until ctx is cancelled, then shuts down gracefully.
func (s *Server) Listen(ctx context.Context, addr string) error {
	go s.purgeSessions(ctx)
	errc := make(chan error, 1)
	go func() { errc <- s.app.Listen(addr) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return s.app.ShutdownWithTimeout(10 * time.Second)
	}
}

func (s *Server) purgeSessions(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.storage.PurgeExpired(ctx); err != nil {
				s.log.Warn("purge des sessions", "err", err)
			}
			if _, err := s.accounts.PurgeRetention(ctx); err != nil {
				s.log.Warn("purge de conservation", "err", err)
			}
		}
	}
}

func (s *Server) healthz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.cfg.DB.Ping(ctx); err != nil {
		s.log.Error("healthz", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"statut": "indisponible", "base": "injoignable"})
	}
	return c.JSON(fiber.Map{"statut": "ok", "base": "ok", "referentiel": s.fw.ID})
}
