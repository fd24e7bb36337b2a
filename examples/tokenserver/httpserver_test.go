package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestServerDropsASlowBody: a token request that declares a 60,000-byte
// body and sends it a byte at a time is cut off at the read timeout (set
// short here with -read-timeout), its connection closed, rather than held
// for as long as the client likes.
func TestServerDropsASlowBody(t *testing.T) {
	const readTimeout = 300 * time.Millisecond
	demo := runDemo(t, "-read-timeout", readTimeout.String())
	u, err := url.Parse(demo.TokenURL)
	if err != nil {
		t.Fatal(err)
	}
	// The server's read deadline starts when it begins reading, which is
	// after the dial began: timing from before the dial, a close caused
	// by that deadline never looks early.
	start := time.Now()
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 60000\r\n\r\ngrant_type=", u.Path, u.Host); err != nil {
		t.Fatal(err)
	}
	// The server's answer, if any, and then the end of the connection.
	closed := make(chan error, 1)
	go func() {
		_, err := io.Copy(io.Discard, bufio.NewReader(conn))
		closed <- err
	}()
	// Trickle the body until the server hangs up; at a byte every 50 ms
	// it would take 50 minutes to arrive. The test gives up at 30 times
	// the timeout, still far below that.
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(30 * readTimeout)
	for {
		select {
		case <-closed:
			if took := time.Since(start); took < readTimeout {
				t.Fatalf("the connection closed after %v, before the read timeout %v: something else closed it", took, readTimeout)
			}
			return
		case <-tick.C:
			_, _ = conn.Write([]byte("x")) // fails once the server has hung up; the read side tells
		case <-deadline:
			t.Fatalf("the connection is still open %v after a slow body began (read timeout %v)", 30*readTimeout, readTimeout)
		}
	}
}

// TestTrustedProxiesFlag: with -trusted-proxies naming the loopback, as
// for a proxy on the same host, the X-Forwarded-For the proxy appends
// names the client, so a client sending wrong secrets under the demo
// app's id from one address never gets the demo app refused at another.
func TestTrustedProxiesFlag(t *testing.T) {
	demo := runDemo(t, "-trusted-proxies", "127.0.0.1/32, ::1")
	token := func(from, secret string) int {
		req, _ := http.NewRequest("POST", demo.TokenURL, strings.NewReader("grant_type=client_credentials"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", from)
		req.SetBasicAuth(url.QueryEscape(demo.ClientID), url.QueryEscape(secret))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	wrong := "oqcs_aaaaaaaa_" + strings.Repeat("a", 63)
	attacked := false
	for range 40 {
		if token("203.0.113.66", wrong) == http.StatusTooManyRequests {
			attacked = true
		}
		if got := token("198.51.100.5", demo.ClientSecret); got != http.StatusOK {
			t.Fatalf("the demo app from its own address: %d, want 200", got)
		}
	}
	if !attacked {
		t.Error("the client sending wrong secrets was never held back")
	}
}

func TestHTTPFlagsRefuseBadValues(t *testing.T) {
	for _, args := range [][]string{
		{"-read-timeout", "0s"},
		{"-trusted-proxies", "proxy.internal"},
		{"-trusted-proxies", "10.0.0.0/8", "-forwarded-header", "X-Real-IP"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // a run that started anyway returns at once
			if err := run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), io.Discard, io.Discard); err == nil {
				t.Fatal("no error")
			}
		})
	}
}
