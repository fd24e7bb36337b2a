package release

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
)

// corePath is the module path of the core module, at the repository root.
const corePath = "github.com/oauthapps/oauthapps"

// notImported lists the nested modules that no user imports: programs,
// peer benchmarks, interoperability tests and this module. Every other
// module is found by scanning the tree for go.mod files (as .ci/run does),
// so a new nested module a user imports (a store, an exporter, ...) is
// published to the test proxy and installed with go get without an edit
// here; a new module that users do not import is added to this list.
var notImported = map[string]bool{
	corePath + "/bench":                 true,
	corePath + "/examples/tokenserver":  true,
	corePath + "/oauthhttp/interop":     true,
	corePath + "/internal/release":      true,
	corePath + "/adminhttp/openapitest": true,
	corePath + "/console/browsertest":   true,
}

// module is one module of the repository.
type module struct {
	Path string // module path
	Dir  string // absolute directory
	File *modfile.File
}

// imported reports whether users import the module (the core or a nested
// module not in notImported).
func (m module) imported() bool { return !notImported[m.Path] }

// repoRoot is the repository root: the directory of the core's go.mod,
// two levels up from this package.
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatalf("repository root: %v", err)
	}
	if p := modfile.ModulePath(data); p != corePath {
		t.Fatalf("repository root %s holds module %q, want %q", root, p, corePath)
	}
	return root
}

// scanModules returns every module under root, the core first, skipping
// testdata and hidden directories.
func scanModules(t testing.TB, root string) []module {
	t.Helper()
	var mods []module
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Name() != "go.mod" {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := modfile.Parse(path, data, nil)
		if err != nil {
			return err
		}
		mods = append(mods, module{Path: f.Module.Mod.Path, Dir: filepath.Dir(path), File: f})
		return nil
	})
	if err != nil {
		t.Fatalf("scanning for modules: %v", err)
	}
	slices.SortFunc(mods, func(a, b module) int { return strings.Compare(a.Dir, b.Dir) })
	if len(mods) == 0 || mods[0].Path != corePath {
		t.Fatalf("no core module at %s", root)
	}
	return mods
}

// releaseVersion is the version of the core that the nested modules
// require: the one a release publishes, which they must all agree on.
func releaseVersion(t testing.TB, mods []module) string {
	t.Helper()
	version := ""
	for _, m := range mods[1:] {
		for _, r := range m.File.Require {
			if r.Mod.Path != corePath {
				continue
			}
			if version == "" {
				version = r.Mod.Version
			} else if r.Mod.Version != version {
				t.Fatalf("%s requires %s %s, another nested module %s: all must require the same release", m.Path, corePath, r.Mod.Version, version)
			}
		}
	}
	if version == "" {
		t.Fatalf("no nested module requires %s", corePath)
	}
	return version
}

// goCmd runs the go command in dir with env added to the test's
// environment, and returns its combined output; it fails the test when the
// command fails.
func goCmd(t testing.TB, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("go %s (in %s): %v\n%s", strings.Join(args, " "), dir, err, out.String())
	}
	return out.String()
}

// TestNestedModulesRequireAReleasedCore checks the multi-module layout:
// each nested module requires one released version of the core, as a
// user's go.mod would, and never reaches the tree through a replace
// directive (which a module proxy ignores); go.work uses every module, so
// that development, gopls and CI build them all from the tree.
func TestNestedModulesRequireAReleasedCore(t *testing.T) {
	root := repoRoot(t)
	mods := scanModules(t, root)
	if len(mods) < 2 {
		t.Fatalf("found %d modules, want the core and its nested modules", len(mods))
	}
	version := releaseVersion(t, mods)
	if !semver.IsValid(version) || semver.Prerelease(version) != "" || semver.Build(version) != "" {
		t.Errorf("nested modules require %s %s, want a release version such as v0.1.0 (no pseudo-version, no pre-release)", corePath, version)
	}
	for _, m := range mods[1:] {
		if !strings.HasPrefix(m.Path, corePath+"/") {
			t.Errorf("%s: module path %q is not below %s", m.Dir, m.Path, corePath)
		}
		rel, err := filepath.Rel(root, m.Dir)
		if err != nil {
			t.Fatal(err)
		}
		if want := corePath + "/" + filepath.ToSlash(rel); m.Path != want {
			t.Errorf("%s: module path %q, want %q (its directory below the core)", m.Dir, m.Path, want)
		}
		for _, r := range m.File.Replace {
			t.Errorf("%s: replace %s => %s: nested modules must resolve through the released core and go.work, never a replace (a module proxy ignores it)", m.Path, r.Old.Path, r.New.Path)
		}
	}

	data, err := os.ReadFile(filepath.Join(root, "go.work"))
	if err != nil {
		t.Fatalf("go.work: %v", err)
	}
	work, err := modfile.ParseWork("go.work", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, u := range work.Use {
		used[filepath.Clean(filepath.Join(root, filepath.FromSlash(u.Path)))] = true
	}
	dirOf := map[string]string{}
	for _, m := range mods {
		dirOf[m.Path] = m.Dir
		if !used[m.Dir] {
			t.Errorf("go.work does not use %s: add it with `go work use ./%s`", m.Dir, mustRel(t, root, m.Dir))
		}
	}
	// The go command reads the go.mod of every required version, even of a
	// module in the workspace; until that version is on a proxy, go.work
	// replaces it with the tree.
	replaced := map[string]string{}
	for _, r := range work.Replace {
		replaced[r.Old.Path+"@"+r.Old.Version] = filepath.Clean(filepath.Join(root, filepath.FromSlash(r.New.Path)))
	}
	for _, m := range mods {
		for _, r := range m.File.Require {
			dir, ours := dirOf[r.Mod.Path]
			if !ours {
				continue
			}
			if got := replaced[r.Mod.Path+"@"+r.Mod.Version]; got != dir {
				t.Errorf("%s requires %s %s: go.work needs `replace %s %s => %s`", m.Path, r.Mod.Path, r.Mod.Version, r.Mod.Path, r.Mod.Version, strings.TrimSuffix("./"+mustRel(t, root, dir), "."))
			}
		}
	}
}

func mustRel(t testing.TB, root, dir string) string {
	t.Helper()
	rel, err := filepath.Rel(root, dir)
	if err != nil {
		t.Fatal(err)
	}
	return filepath.ToSlash(rel)
}
