package oauthapptest

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
)

// TB is what the kit needs of a test: the Helper, Fatalf and Cleanup
// methods of testing.TB. A *testing.T, *testing.B or *testing.F is one,
// as is any testing.TB, and so is the *T that Run passes.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(f func())
}

// Run runs test as go test runs a test function, with a *T of the kit's
// own where go test gives no *testing.T: in a runnable Example, or in a
// test of a test helper that must fail through t instead of panicking.
// test runs on a goroutine of its own, so that t.FailNow (and t.Fatal,
// t.Fatalf, t.SkipNow) ends it with runtime.Goexit as it ends a test; then
// the functions given to t.Cleanup run, last first, each on a goroutine
// of its own. Run returns once they have all ended, and reports whether
// test passed (a skipped test passes).
//
// What test logs (Log, Error, Fatal, Skip and their f forms) is written
// to w, one line each, without the file and line a test's log carries, so
// that an Example's output shows it; so is what test writes to t.Output().
// A panic in test or a cleanup fails it, with the panic's value written to
// w, instead of ending the program. t.Context() is cancelled just before
// the cleanups run; t.TempDir() and t.ArtifactDir() make directories
// removed at cleanup; t.Setenv and t.Chdir are undone at cleanup.
func Run(w io.Writer, test func(t *T)) (passed bool) {
	t := &T{w: w}
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

// T is the test of Run: it has the methods of testing.TB that a test body
// calls, each doing what testing.TB's does, and it is a TB, so the kit
// takes it. It is not a testing.TB, which only package testing can make:
// a helper of your own that takes a testing.TB is called from go test's
// tests, not from Run. It is safe for concurrent use, as a *testing.T is.
type T struct {
	w      io.Writer
	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	failed   bool
	skipped  bool
	cleanups []func()
}

var _ TB = (*T)(nil)

// guard runs f on a goroutine of its own and waits for it to end,
// normally, by runtime.Goexit or by a panic, which fails the run.
func (t *T) guard(f func()) {
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

func (t *T) print(s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	_, _ = io.WriteString(t.w, s)
}

// Log writes its arguments to Run's writer, formatted as fmt.Sprintln does.
func (t *T) Log(args ...any) { t.print(fmt.Sprintln(args...)) }

// Logf writes its arguments to Run's writer, formatted as fmt.Sprintf does.
func (t *T) Logf(format string, args ...any) { t.print(fmt.Sprintf(format, args...)) }

// Error is Log followed by Fail.
func (t *T) Error(args ...any) { t.Log(args...); t.Fail() }

// Errorf is Logf followed by Fail.
func (t *T) Errorf(format string, args ...any) {
	t.Logf(format, args...)
	t.Fail()
}

// Fatal is Log followed by FailNow.
func (t *T) Fatal(args ...any) { t.Log(args...); t.FailNow() }

// Fatalf is Logf followed by FailNow.
func (t *T) Fatalf(format string, args ...any) {
	t.Logf(format, args...)
	t.FailNow()
}

// Skip is Log followed by SkipNow.
func (t *T) Skip(args ...any) { t.Log(args...); t.SkipNow() }

// Skipf is Logf followed by SkipNow.
func (t *T) Skipf(format string, args ...any) {
	t.Logf(format, args...)
	t.SkipNow()
}

// Fail marks the test failed and lets it go on.
func (t *T) Fail() {
	t.mu.Lock()
	t.failed = true
	t.mu.Unlock()
}

// FailNow marks the test failed and ends its goroutine
// (runtime.Goexit); call it from the test's goroutine.
func (t *T) FailNow() { t.Fail(); runtime.Goexit() }

// SkipNow marks the test skipped and ends its goroutine
// (runtime.Goexit); a skipped test passes unless it failed before.
func (t *T) SkipNow() {
	t.mu.Lock()
	t.skipped = true
	t.mu.Unlock()
	runtime.Goexit()
}

// Failed reports whether the test has failed.
func (t *T) Failed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.failed
}

// Skipped reports whether the test was skipped.
func (t *T) Skipped() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.skipped
}

// Cleanup registers f to run once the test has ended, last first.
func (t *T) Cleanup(f func()) {
	t.mu.Lock()
	t.cleanups = append(t.cleanups, f)
	t.mu.Unlock()
}

// Helper does nothing: Run's log carries no file and line to skip.
func (t *T) Helper() {}

// Name returns "oauthapptest.Run".
func (t *T) Name() string { return "oauthapptest.Run" }

// Context returns a context cancelled just before the cleanups run.
func (t *T) Context() context.Context { return t.ctx }

// Attr writes the attribute to Run's writer as go test -v prints one.
func (t *T) Attr(key, value string) { t.Logf("=== ATTR %s %v", key, value) }

// Output returns a writer to Run's writer, for text written as it is.
func (t *T) Output() io.Writer { return writerFunc(t.write) }

// ArtifactDir returns a new directory, removed at cleanup, as TempDir.
func (t *T) ArtifactDir() string { return t.TempDir() }

func (t *T) write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.w.Write(p)
}

// TempDir returns a new directory, removed at cleanup.
func (t *T) TempDir() string {
	dir, err := os.MkdirTemp("", "oauthapptest-run-")
	if err != nil {
		t.Fatalf("TempDir: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

// Setenv sets an environment variable until cleanup, which restores it.
func (t *T) Setenv(key, value string) {
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

// Chdir changes the working directory until cleanup, which changes it
// back.
func (t *T) Chdir(dir string) {
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
