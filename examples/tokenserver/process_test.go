package main

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/oauthapps/oauthapps/internal/syncbuf"
	"github.com/oauthapps/oauthapps/oauthhttp"
)

// This file runs real tokenserver binaries on loopback, for the tests of
// several instances on one PostgreSQL database.

// pgTestIssuer is the issuer every instance of a test deployment shares.
const pgTestIssuer = "https://auth.oauthapps.test"

// binDir holds the server binary, removed by TestMain.
var binDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// serverBinary builds the tokenserver once per test binary.
var serverBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "tokenserver-bin-")
	if err != nil {
		return "", err
	}
	binDir = dir
	bin := filepath.Join(dir, "tokenserver")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// deployment is several instances on one database with one KEK.
type deployment struct {
	bin  string
	dsn  string
	kek  string
	args []string // extra flags of every instance

	mu    sync.Mutex
	procs []*process // every process started, stopped when the test ends
}

func newDeployment(t *testing.T, dsn string, args ...string) *deployment {
	t.Helper()
	bin, err := serverBinary()
	if err != nil {
		t.Fatal(err)
	}
	kek := make([]byte, 32)
	if _, err := rand.Read(kek); err != nil {
		t.Fatal(err)
	}
	d := &deployment{bin: bin, dsn: dsn, kek: base64.StdEncoding.EncodeToString(kek), args: args}
	t.Cleanup(func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		for _, p := range d.procs {
			p.stop()
		}
	})
	return d
}

// process is one running tokenserver.
type process struct {
	name string
	addr string // host:port
	cmd  *exec.Cmd
	logs *syncbuf.Buffer
	demo *demoLine
}

func (p *process) url(path string) string { return "http://" + p.addr + path }

// freeAddr returns a loopback address with a port nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// start runs an instance on addr ("" for a free one) and waits until it
// serves its JWKS document. With demo it reads the demo line.
func (d *deployment) start(t *testing.T, name, addr string, demo bool) *process {
	t.Helper()
	if addr == "" {
		addr = freeAddr(t)
	}
	args := append([]string{"-addr", addr, "-postgres", d.dsn, "-issuer", pgTestIssuer}, d.args...)
	if demo {
		args = append(args, "-demo")
	}
	p := &process{name: name, addr: addr, logs: &syncbuf.Buffer{}}
	p.cmd = exec.Command(d.bin, args...)
	p.cmd.Env = append(os.Environ(), kekEnv+"="+d.kek)
	p.cmd.Stderr = p.logs
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d.mu.Lock()
	d.procs = append(d.procs, p)
	d.mu.Unlock()
	if demo {
		line, err := bufio.NewReader(stdout).ReadBytes('\n')
		if err != nil {
			t.Fatalf("%s: no demo line: %v\n%s", name, err, p.logs)
		}
		p.demo = new(demoLine)
		if err := json.Unmarshal(line, p.demo); err != nil {
			t.Fatalf("%s: demo line %q: %v", name, line, err)
		}
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if res, err := http.Get(p.url(oauthhttp.JWKSPath)); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return p
			}
		}
		if time.Now().After(deadline) || p.cmd.ProcessState != nil {
			t.Fatalf("%s did not start serving:\n%s", name, p.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill ends the process at once, as a crash would.
func (p *process) kill() {
	if p.cmd.ProcessState == nil {
		_ = p.cmd.Process.Kill()
		_ = p.cmd.Wait()
	}
}

// stop asks the process to shut down, then kills it if it lingers.
func (p *process) stop() {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

// client is one app's credentials and its account.
type client struct{ id, secret, account string }

func demoClient(p *process) client {
	return client{p.demo.ClientID, p.demo.ClientSecret, p.demo.AccountSID}
}

var httpClient = &http.Client{Timeout: 10 * time.Second}

// token asks p for a token; it returns the status and the token, if any.
func (p *process) token(c client) (int, string) {
	req, _ := http.NewRequest("POST", p.url(oauthhttp.TokenPath), strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(c.id), url.QueryEscape(c.secret))
	res, err := httpClient.Do(req)
	if err != nil {
		return 0, ""
	}
	defer res.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(res.Body).Decode(&tok)
	return res.StatusCode, tok.AccessToken
}

// mustToken fails the test unless p issues a token.
func (p *process) mustToken(t *testing.T, c client) string {
	t.Helper()
	status, tok := p.token(c)
	if status != 200 || tok == "" {
		t.Fatalf("%s: token request answered %d\n%s", p.name, status, p.logs)
	}
	return tok
}

// api calls the demo API with the token and returns the status.
func (p *process) api(c client, tok string) int {
	req, _ := http.NewRequest("GET", p.url(apiPrefix+"/Accounts/"+c.account+"/Messages"), nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := httpClient.Do(req)
	if err != nil {
		return 0
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode
}

// jwks returns p's published Ed25519 keys by kid.
func (p *process) jwks() (map[string]ed25519.PublicKey, error) {
	res, err := httpClient.Get(p.url(oauthhttp.JWKSPath))
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var doc struct {
		Keys []struct{ Kid, Kty, Crv, X string }
	}
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
		return nil, err
	}
	keys := make(map[string]ed25519.PublicKey, len(doc.Keys))
	for _, k := range doc.Keys {
		x, err := base64.RawURLEncoding.DecodeString(k.X)
		if err != nil || k.Kty != "OKP" || k.Crv != "Ed25519" || len(x) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("JWK %q is not an Ed25519 key", k.Kid)
		}
		keys[k.Kid] = x
	}
	return keys, nil
}

// verifies checks the token's signature and claims against p's JWKS, as a
// resource server would, with golang-jwt.
func (p *process) verifies(tok string) error {
	keys, err := p.jwks()
	if err != nil {
		return err
	}
	_, err = jwt.Parse(tok, func(tk *jwt.Token) (any, error) {
		kid, _ := tk.Header["kid"].(string)
		if k, ok := keys[kid]; ok {
			return k, nil
		}
		return nil, fmt.Errorf("kid %q is not in the JWKS of %s", kid, p.name)
	}, jwt.WithValidMethods([]string{"EdDSA"}), jwt.WithIssuer(pgTestIssuer), jwt.WithExpirationRequired())
	return err
}

// kidOf returns the kid in a token's header.
func kidOf(tok string) string {
	h, _, _ := strings.Cut(tok, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(h)
	var hdr struct{ Kid string }
	_ = json.Unmarshal(raw, &hdr)
	return hdr.Kid
}

// freshDatabase creates a database on the server of dsn, drops it when the
// test ends, and returns its DSN.
func freshDatabase(t *testing.T, dsn string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect to PostgreSQL: %v", err)
	}
	defer conn.Close(ctx)
	var suffix [6]byte
	_, _ = rand.Read(suffix[:])
	name := fmt.Sprintf("tokenserver_%x", suffix)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return
		}
		defer c.Close(ctx)
		_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// testPool opens a pool on dsn, closed when the test ends.
func testPool(t *testing.T, dsn string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// percentiles returns the median and the 99th percentile.
func percentiles(ds []time.Duration) (p50, p99 time.Duration) {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	at := func(p int) time.Duration { return s[min(len(s)-1, (len(s)*p+99)/100-1)] }
	return at(50), at(99)
}

// within polls cond every millisecond until it holds, and returns how long
// that took, or fails after limit.
func within(t *testing.T, limit time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > limit {
			t.Fatalf("%s: not within %v", what, limit)
		}
		time.Sleep(time.Millisecond)
	}
	return time.Since(start)
}
