package main

import (
	"net/http"
	"net/http/httptest"
	"os/exec"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

func TestAttackCountsEveryFailedRequest(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if n.Add(1)%3 == 0 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	m := attack(options{clients: 2}, []vegeta.Target{{Method: http.MethodGet, URL: srv.URL}}, 200*time.Millisecond)
	if m.Requests < 3 {
		t.Fatalf("only %d requests in 200 ms", m.Requests)
	}
	served := uint64(n.Load())
	if want := served / 3; failedCount(m) != want {
		t.Errorf("%d requests failed by the count, want %d (every third of %d served)", failedCount(m), want, served)
	}
}

func TestAttackAllSucceedKeepsNoFailure(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	m := attack(options{clients: 4}, []vegeta.Target{{Method: http.MethodGet, URL: srv.URL}}, 100*time.Millisecond)
	if m.Requests == 0 || failedCount(m) != 0 {
		t.Errorf("%d requests, %d failed; want some, none failed", m.Requests, failedCount(m))
	}
}

func TestServerCPUTimeGrowsWithItsWork(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the server's CPU time is read from /proc, on Linux only")
	}
	// The shell burns CPU for a while, then waits to be killed.
	cmd := exec.Command("sh", "-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; exec sleep 60")
	if err := cmd.Start(); err != nil {
		t.Skipf("no shell: %v", err)
	}
	s := &server{cmd: cmd, exited: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.exited) }()
	defer s.stop()
	deadline := time.Now().Add(30 * time.Second)
	for {
		d, err := s.cpu()
		if err != nil {
			t.Fatal(err)
		}
		if d > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no CPU time read after 30 s of a busy loop")
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.stop()
	if _, err := s.cpu(); err == nil || !strings.Contains(err.Error(), "exited") {
		t.Errorf("cpu() of a stopped server: %v, want an error saying it exited", err)
	}
}
