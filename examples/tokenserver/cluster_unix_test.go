//go:build unix

package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"testing"
)

// cluster is a PostgreSQL server of the test's own, in a temporary
// directory on a free port, so that the test may stop and start it. The
// shared server is never touched.
type cluster struct {
	bin  string // directory of initdb and pg_ctl
	dir  string
	port string
	cred *syscall.Credential // run as the postgres user when we are root
}

// startCluster initializes and starts a cluster, stopped and removed when
// the test ends. It skips the test when no PostgreSQL server binaries are
// installed.
func startCluster(t *testing.T) *cluster {
	t.Helper()
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	if len(found) == 0 {
		if p, err := exec.LookPath("pg_ctl"); err == nil {
			found = []string{p}
		}
	}
	if len(found) == 0 {
		t.Skip("no PostgreSQL server binaries (initdb, pg_ctl) to start a cluster of the test's own; install the postgresql package")
	}
	sort.Strings(found)
	c := &cluster{bin: filepath.Dir(found[len(found)-1])}
	parent := ""
	if os.Geteuid() == 0 {
		// The postgres user must reach the directory: $TMPDIR may be
		// root's own.
		parent = "/tmp"
	}
	dir, err := os.MkdirTemp(parent, "oauthapps-pg-")
	if err != nil {
		t.Fatal(err)
	}
	c.dir = dir
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("running as root without a postgres user to run the cluster as")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, c.port, _ = net.SplitHostPort(ln.Addr().String())
	ln.Close()
	c.run(t, "initdb", "-D", c.data(), "-A", "trust", "-U", "postgres", "-N", "-E", "UTF8")
	c.start(t)
	t.Cleanup(func() { _ = c.cmd("pg_ctl", "-D", c.data(), "-m", "immediate", "-w", "stop").Run() })
	return c
}

func (c *cluster) data() string { return filepath.Join(c.dir, "data") }

// dsn is the connection string of the cluster's postgres database.
func (c *cluster) dsn() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%s/postgres?sslmode=disable", c.port)
}

func (c *cluster) cmd(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	cmd.Dir = c.dir
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	return cmd
}

func (c *cluster) run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := c.cmd(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out)
	}
}

// start starts the server and waits until it accepts connections.
func (c *cluster) start(t *testing.T) {
	t.Helper()
	c.run(t, "pg_ctl", "-D", c.data(), "-l", filepath.Join(c.dir, "log"), "-w", "-t", "60",
		"-o", "-p "+c.port+" -k "+c.dir+" -c listen_addresses=127.0.0.1 -c fsync=off", "start")
}

// stop stops the server the way an operator's restart does: open sessions
// are ended, and it waits until the server is down.
func (c *cluster) stop(t *testing.T) {
	t.Helper()
	c.run(t, "pg_ctl", "-D", c.data(), "-m", "fast", "-w", "stop")
}
