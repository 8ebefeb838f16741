package motoserver

import (
	"net/http"
	"testing"
	"time"
)

func TestStartAnswersAndStops(t *testing.T) {
	var endpoint string
	t.Run("run", func(t *testing.T) {
		endpoint = Start(t)
		resp, err := http.Get(endpoint + "/moto-api/")
		if err != nil {
			t.Fatalf("moto does not answer: %v", err)
		}
		resp.Body.Close()
	})
	if endpoint == "" {
		t.Skip("moto not available")
	}
	client := &http.Client{Timeout: time.Second}
	if resp, err := client.Get(endpoint + "/moto-api/"); err == nil {
		resp.Body.Close()
		t.Fatalf("moto still answers at %s after cleanup", endpoint)
	}
}

func TestSharedIsShared(t *testing.T) {
	a, b := Shared(t), Shared(t)
	if a != b {
		t.Fatalf("Shared started two servers: %s and %s", a, b)
	}
	Stop()
}
