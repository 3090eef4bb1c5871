package server

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Every request runs under a context with a deadline, cancelled once it is
// answered: a query cannot outlive its request.
func TestRequestsRunUnderADeadline(t *testing.T) {
	t.Parallel()
	s := &Server{}
	app := fiber.New()
	app.Use(s.withDeadline)
	var seen context.Context
	app.Get("/", func(c *fiber.Ctx) error {
		seen = c.UserContext()
		return c.SendString("ok")
	})
	start := time.Now()
	resp, err := app.Test(httptest.NewRequest("GET", "/", nil))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("requête : %v %v", resp, err)
	}
	dl, ok := seen.Deadline()
	if !ok || dl.Before(start) || dl.After(start.Add(RequestTimeout+time.Second)) {
		t.Fatalf("échéance %v (présente %v), attendu dans %v", dl, ok, RequestTimeout)
	}
	if seen.Err() == nil {
		t.Fatal("le contexte de la requête n'est pas annulé une fois la réponse faite")
	}
}
