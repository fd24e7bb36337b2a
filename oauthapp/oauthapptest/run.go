package oauthapptest

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// Run runs test as go test runs a test function, with a testing.TB of the
// kit's own, where go test gives none: in a runnable Example, or in a test
// of a test helper that must fail through t instead of panicking. test
// runs on a goroutine of its own, so that t.FailNow (and t.Fatal, t.Fatalf,
// t.SkipNow) ends it with runtime.Goexit as it ends a test; then the
// functions given to t.Cleanup run, last first, each on a goroutine of its
// own. Run returns once they have all ended, and reports whether test
// passed (a skipped test passes).
//
// What test logs (Log, Error, Fatal, Skip and their f forms) is written
// to w, one line each, without the file and line a test's log carries, so
// that an Example's output shows it; so is what test writes to t.Output().
// A panic in test or a cleanup fails it, with the panic's value written to
// w, instead of ending the program. t.Context() is cancelled just before
// the cleanups run; t.TempDir() and t.ArtifactDir() make directories
// removed at cleanup; t.Setenv and t.Chdir are undone at cleanup.
func Run(w io.Writer, test func(t testing.TB)) (passed bool) {
	t := &runT{w: w}
	t.ctx, t.cancel = context.WithCancel(context.Background())
	t.guard(func() { test(t) })
	t.cancel()
	for {
		t.mu.Lock()
		n := len(t.cleanups)
		if n == 0 {
			t.mu.Unlock()
			break
		}
		f := t.cleanups[n-1]
		t.cleanups = t.cleanups[:n-1]
		t.mu.Unlock()
		t.guard(f)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return !t.failed
}

// runT is the testing.TB of Run. It is safe for concurrent use, as a
// *testing.T is.
type runT struct {
	// TB is nil; it is embedded for the interface's unexported method
	// only. runT has every exported method of testing.TB, so none of the
	// nil's is called.
	testing.TB

	w      io.Writer
	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	failed   bool
	skipped  bool
	cleanups []func()
}

// guard runs f on a goroutine of its own and waits for it to end,
// normally, by runtime.Goexit or by a panic, which fails the run.
func (t *runT) guard(f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if v := recover(); v != nil {
				t.Errorf("panic: %v", v)
			}
		}()
		f()
	}()
	<-done
}

func (t *runT) print(s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	_, _ = io.WriteString(t.w, s)
}

func (t *runT) Log(args ...any)                 { t.print(fmt.Sprintln(args...)) }
func (t *runT) Logf(format string, args ...any) { t.print(fmt.Sprintf(format, args...)) }
func (t *runT) Error(args ...any)               { t.Log(args...); t.Fail() }
func (t *runT) Errorf(format string, args ...any) {
	t.Logf(format, args...)
	t.Fail()
}
func (t *runT) Fatal(args ...any) { t.Log(args...); t.FailNow() }
func (t *runT) Fatalf(format string, args ...any) {
	t.Logf(format, args...)
	t.FailNow()
}
func (t *runT) Skip(args ...any) { t.Log(args...); t.SkipNow() }
func (t *runT) Skipf(format string, args ...any) {
	t.Logf(format, args...)
	t.SkipNow()
}

func (t *runT) Fail() {
	t.mu.Lock()
	t.failed = true
	t.mu.Unlock()
}

func (t *runT) FailNow() { t.Fail(); runtime.Goexit() }

func (t *runT) SkipNow() {
	t.mu.Lock()
	t.skipped = true
	t.mu.Unlock()
	runtime.Goexit()
}

func (t *runT) Failed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.failed
}

func (t *runT) Skipped() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.skipped
}

func (t *runT) Cleanup(f func()) {
	t.mu.Lock()
	t.cleanups = append(t.cleanups, f)
	t.mu.Unlock()
}

func (t *runT) Helper()                  {}
func (t *runT) Name() string             { return "oauthapptest.Run" }
func (t *runT) Context() context.Context { return t.ctx }
func (t *runT) Attr(key, value string)   { t.Logf("=== ATTR %s %v", key, value) }
func (t *runT) Output() io.Writer        { return writerFunc(t.write) }
func (t *runT) ArtifactDir() string      { return t.TempDir() }

func (t *runT) write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.w.Write(p)
}

func (t *runT) TempDir() string {
	dir, err := os.MkdirTemp("", "oauthapptest-run-")
	if err != nil {
		t.Fatalf("TempDir: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

func (t *runT) Setenv(key, value string) {
	old, had := os.LookupEnv(key)
	if err := os.Setenv(key, value); err != nil {
		t.Fatalf("Setenv: %v", err)
	}
	t.Cleanup(func() {
		if had {
			_ = os.Setenv(key, old)
		} else {
			_ = os.Unsetenv(key)
		}
	})
}

func (t *runT) Chdir(dir string) {
	old, err := os.Getwd()
	if err != nil {
		t.Fatalf("Chdir: %v", err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatalf("Chdir: %v", err)
	}
	t.Cleanup(func() { _ = os.Chdir(old) })
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
