package release

import (
	"encoding/json"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	modpkg "golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

// TestModulesInstallFromAProxy publishes the core and every nested module
// a user imports, from this tree, at the release version the nested
// modules require, to a module proxy on disk (GOPROXY=file://...). Then, in
// a new module outside the tree and outside any workspace, it go-gets each
// of them at that version and builds and runs a program that imports every
// one of their packages. This is what `go get` does for a user once the
// release is tagged: it fails when a nested module reaches the core only
// through a replace directive or go.work, or requires a version of it that
// was never released.
//
// Only our own module path skips the checksum database (it has never seen
// these zips); every third-party module is still checked against it.
func TestModulesInstallFromAProxy(t *testing.T) {
	root := repoRoot(t)
	mods := scanModules(t, root)
	version := releaseVersion(t, mods)

	proxy := t.TempDir()
	var published []module
	for _, m := range mods {
		if m.imported() {
			publish(t, proxy, m, version)
			published = append(published, m)
		}
	}
	if len(published) < 2 {
		t.Fatalf("published %d modules; want the core and at least store/postgres", len(published))
	}

	user := t.TempDir()
	sharedCache := strings.TrimSpace(goCmd(t, root, nil, "env", "GOMODCACHE"))
	env := []string{
		"GOWORK=off",
		"GOFLAGS=-mod=mod -modcacherw",
		// Our proxy first; then the module cache of this machine, which is
		// itself laid out as a proxy and saves downloading what CI already
		// has; then the public proxy for anything else.
		"GOPROXY=" + fileURL(proxy) + "," + fileURL(filepath.Join(sharedCache, "cache", "download")) + ",https://proxy.golang.org",
		"GONOSUMDB=" + corePath,
		"GONOPROXY=", "GOPRIVATE=", "GOINSECURE=",
		// A module cache of its own: the published zips must not land in
		// the shared one, where a later run would find a stale v0.1.0.
		"GOMODCACHE=" + filepath.Join(t.TempDir(), "modcache"),
		"GOTOOLCHAIN=local",
	}
	writeFile(t, filepath.Join(user, "go.mod"), "module example.com/firstuser\n\ngo 1.24.0\n")

	get := []string{"get"}
	for _, m := range published {
		get = append(get, m.Path+"@"+version)
	}
	goCmd(t, user, env, get...)

	var imports []string
	for _, m := range published {
		imports = append(imports, packagesOf(t, m)...)
	}
	if !slices.Contains(imports, corePath+"/store/postgres") {
		t.Fatalf("store/postgres is not among the packages users import: %v", imports)
	}
	writeFile(t, filepath.Join(user, "main.go"), userProgram(imports))
	out := goCmd(t, user, env, "run", ".")
	if got, want := strings.TrimSpace(lastLine(out)), "issuer https://api.example.com"; got != want {
		t.Errorf("program printed %q, want %q; all output:\n%s", got, want, out)
	}

	// The build used the published modules, not the tree.
	list := goCmd(t, user, env, "list", "-m", "-f", "{{.Path}} {{.Version}} {{.Replace}}", "all")
	for _, m := range published {
		if want := m.Path + " " + version + " <nil>"; !slices.Contains(strings.Split(list, "\n"), want) {
			t.Errorf("the new module does not use %s %s from the proxy; go list -m all:\n%s", m.Path, version, list)
		}
	}
}

// userProgram imports every package users import (blank imports compile
// them all) and uses the core and the PostgreSQL store.
func userProgram(imports []string) string {
	var b strings.Builder
	b.WriteString("package main\n\nimport (\n\t\"fmt\"\n\t\"log\"\n\n")
	named := map[string]string{
		corePath + "/oauthapp":       "oauthapp",
		corePath + "/store":          "store",
		corePath + "/store/postgres": "postgres",
		corePath + "/token":          "token",
	}
	for _, p := range imports {
		if named[p] != "" {
			fmt.Fprintf(&b, "\t%q\n", p)
		} else {
			fmt.Fprintf(&b, "\t_ %q\n", p)
		}
	}
	b.WriteString(`)

func main() {
	key, err := token.GenerateKey(token.EdDSA)
	if err != nil {
		log.Fatal(err)
	}
	keys, err := token.NewKeySet(key)
	if err != nil {
		log.Fatal(err)
	}
	svc, err := oauthapp.New(store.NewMemory(), keys, oauthapp.WithIssuer("https://api.example.com"))
	if err != nil {
		log.Fatal(err)
	}
	defer svc.Close()
	// The PostgreSQL store's entry points, linked in (no database here).
	_, _ = postgres.Migrate, postgres.New
	fmt.Println("issuer", svc.Metadata().Issuer)
}
`)
	return b.String()
}

// publish writes module m at version into the proxy directory, laid out as
// the GOPROXY protocol asks: list, .info, .mod and .zip under
// <escaped path>/@v/. The zip holds the module's directory as a release
// tag would, nested modules left out.
func publish(t testing.TB, proxy string, m module, version string) {
	t.Helper()
	esc, err := modpkg.EscapePath(m.Path)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(proxy, filepath.FromSlash(esc), "@v")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "list"), version+"\n")
	info, err := json.Marshal(struct {
		Version string
		Time    time.Time
	}{version, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, version+".info"), string(info))
	gomod, err := os.ReadFile(filepath.Join(m.Dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, version+".mod"), string(gomod))
	f, err := os.Create(filepath.Join(dir, version+".zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := modzip.CreateFromDir(f, modpkg.Version{Path: m.Path, Version: version}, m.Dir); err != nil {
		t.Fatalf("zipping %s: %v", m.Path, err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// packagesOf lists the import paths of the module's packages that another
// module may import: every directory with non-test Go files of a package
// other than main, outside internal, testdata and nested modules.
func packagesOf(t testing.TB, m module) []string {
	t.Helper()
	var pkgs []string
	err := filepath.WalkDir(m.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != m.Dir {
			if name == "testdata" || name == "internal" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir
			}
		}
		pkg, err := packageName(path)
		if err != nil {
			return err
		}
		if pkg != "" && pkg != "main" {
			pkgs = append(pkgs, m.Path+filepath.ToSlash(strings.TrimPrefix(path, m.Dir)))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("listing the packages of %s: %v", m.Path, err)
	}
	return pkgs
}

// packageName is the package clause of the directory's non-test Go files,
// or "" when it has none.
func packageName(dir string) (string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return "", err
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.PackageClauseOnly)
		if err != nil {
			return "", err
		}
		return file.Name.Name, nil
	}
	return "", nil
}

func fileURL(dir string) string { return "file://" + filepath.ToSlash(dir) }

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}
