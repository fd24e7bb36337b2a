package release

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
)

// A fenced block of a Markdown page.
type block struct {
	File string // the page, relative to the repository root: "README.md"
	Lang string // the info string's first word: "go", "sh", ...
	Line int    // line number of the block's first line of code
	Code string
}

// readmeBlocks returns the fenced code blocks of README.md, each with the
// heading (## or deeper) it falls under.
func readmeBlocks(t testing.TB, root string) (blocks []block, headings []string) {
	t.Helper()
	return markdownBlocks(t, root, "README.md")
}

// docPages are the Markdown pages whose Go blocks must compile: README.md
// and every page of docs/.
func docPages(t testing.TB, root string) []string {
	t.Helper()
	pages, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"README.md"}
	for _, p := range pages {
		names = append(names, "docs/"+filepath.Base(p))
	}
	return names
}

// markdownBlocks returns the fenced code blocks of the page name (relative
// to root), each with the heading (## or deeper) it falls under.
func markdownBlocks(t testing.TB, root, name string) (blocks []block, headings []string) {
	t.Helper()
	f, err := os.Open(filepath.Join(root, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		cur     *block
		code    strings.Builder
		heading string
		n       int
	)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		line := sc.Text()
		switch {
		case cur == nil && strings.HasPrefix(line, "```"):
			lang, _, _ := strings.Cut(strings.TrimSpace(strings.TrimPrefix(line, "```")), " ")
			cur = &block{File: name, Lang: lang, Line: n + 1}
			code.Reset()
		case cur != nil && strings.TrimSpace(line) == "```":
			cur.Code = code.String()
			blocks = append(blocks, *cur)
			headings = append(headings, heading)
			cur = nil
		case cur != nil:
			code.WriteString(line)
			code.WriteByte('\n')
		case strings.HasPrefix(line, "#"):
			heading = strings.TrimSpace(strings.TrimLeft(line, "#"))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cur != nil {
		t.Fatalf("%s: the block opened at line %d is never closed", name, cur.Line-1)
	}
	return blocks, headings
}

// TestReadmeGoBlocksCompile compiles every ```go block of README.md and of
// the pages in docs/, each as a package of its own in a module outside the tree whose go.work uses
// every module of the repository: a block may import anything the
// repository's modules build with (pgx through store/postgres, x/oauth2
// through the interop tests). A block is either
//
//   - a whole file, starting with its package clause: compiled as is;
//   - top-level declarations (functions, types, variables), the usual
//     form: compiled in a package of its own;
//   - statements: compiled as the body of
//     func(ctx context.Context) error, so they may use ctx and return an
//     error, and nothing else from outside.
//
// The imports of the last two are derived from the package names the
// block uses (token.GenerateKey imports our token package): among
// packages of that name, the repository's own win, then the standard
// library's, then those of modules the core or a nested module requires
// directly, then any other the workspace builds. A name that stays
// ambiguous is an error; write that block as a whole file. Compile
// errors point at the page's lines. New blocks and pages need no change
// here.
func TestReadmeGoBlocksCompile(t *testing.T) {
	root := repoRoot(t)
	var goBlocks []block
	for _, page := range docPages(t, root) {
		blocks, _ := markdownBlocks(t, root, page)
		n := 0
		for _, b := range blocks {
			if b.Lang == "go" {
				goBlocks = append(goBlocks, b)
				n++
			}
		}
		if n == 0 && page == "README.md" {
			t.Fatal("README.md has no ```go block; the test would prove nothing")
		}
	}

	mods := scanModules(t, root)
	dir := t.TempDir()
	writeWorkspace(t, root, dir, mods)
	index := packageIndex(t, root, mods)
	for i, b := range goBlocks {
		src, err := snippetFile(b, index)
		if err != nil {
			t.Errorf("%s:%d: %v", b.File, b.Line, err)
			continue
		}
		pkgDir := filepath.Join(dir, fmt.Sprintf("block%02d", i+1))
		if err := os.Mkdir(pkgDir, 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(pkgDir, "block.go"), src)
	}
	if t.Failed() {
		return
	}
	cmd := exec.Command("go", "vet", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK="+filepath.Join(dir, "go.work"), "GOFLAGS=-mod=readonly")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("a Go block of README.md or docs/ does not compile (%v):\n%s\n"+
			"Write each block as whole declarations (func ...) that handle their errors, or as statements that use\n"+
			"only ctx and return an error; imports are added from the package names used. See TestReadmeGoBlocksCompile.", err, out)
	}
}

// writeWorkspace lays out the snippets' module in dir with a go.work that
// uses it and every module of the repository, with the repository
// go.work's replacements and sums.
func writeWorkspace(t testing.TB, root, dir string, mods []module) {
	t.Helper()
	writeFile(t, filepath.Join(dir, "go.mod"), "module example.com/readme\n\ngo 1.24.0\n")
	data, err := os.ReadFile(filepath.Join(root, "go.work"))
	if err != nil {
		t.Fatal(err)
	}
	repoWork, err := modfile.ParseWork("go.work", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	work := new(modfile.WorkFile)
	work.Syntax = new(modfile.FileSyntax)
	if err := work.AddGoStmt(repoWork.Go.Version); err != nil {
		t.Fatal(err)
	}
	for _, m := range mods {
		if err := work.AddUse(m.Dir, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := work.AddUse(".", ""); err != nil {
		t.Fatal(err)
	}
	for _, r := range repoWork.Replace {
		newPath := r.New.Path
		if modfile.IsDirectoryPath(newPath) && !filepath.IsAbs(newPath) {
			newPath = filepath.Join(root, newPath)
		}
		if err := work.AddReplace(r.Old.Path, r.Old.Version, newPath, r.New.Version); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(dir, "go.work"), string(modfile.Format(work.Syntax)))
	if sum, err := os.ReadFile(filepath.Join(root, "go.work.sum")); err == nil {
		writeFile(t, filepath.Join(dir, "go.work.sum"), string(sum))
	}
}

// pkgRank orders the candidates for a package name: lower wins.
const (
	rankOurs = iota
	rankStd
	rankDirect
	rankOther
)

// packageIndex maps each package name to the import paths of that name
// the workspace can build, each with its rank.
func packageIndex(t testing.TB, root string, mods []module) map[string]map[string]int {
	t.Helper()
	direct := map[string]bool{}
	for _, m := range mods {
		if !m.imported() {
			continue
		}
		for _, r := range m.File.Require {
			if !r.Indirect {
				direct[r.Mod.Path] = true
			}
		}
	}
	out := goCmd(t, root, []string{"GOFLAGS=-mod=readonly"}, "list", "-e", "-deps", "-test",
		"-f", "{{.Name}} {{.ImportPath}} {{.Standard}} {{with .Module}}{{.Path}}{{end}}", "std", corePath+"/...")
	index := map[string]map[string]int{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		// A package recompiled for a test is listed again with its
		// variant ("io [io.test]"), which shifts the fields; its own line
		// says what it is.
		if len(f) < 3 || f[0] == "main" || strings.HasSuffix(f[1], ".test") || strings.HasSuffix(f[1], "_test") || strings.HasPrefix(f[2], "[") {
			continue
		}
		name, path, std := f[0], f[1], f[2] == "true"
		if slices.Contains(strings.Split(path, "/"), "internal") || strings.HasPrefix(path, "vendor/") {
			continue
		}
		var rank int
		switch {
		case path == corePath || strings.HasPrefix(path, corePath+"/"):
			rank = rankOurs
			if strings.HasPrefix(path, corePath+"/examples/") || strings.HasPrefix(path, corePath+"/bench") {
				rank = rankOther
			}
		case std:
			rank = rankStd
		case len(f) > 3 && direct[f[3]]:
			rank = rankDirect
		default:
			rank = rankOther
		}
		if index[name] == nil {
			index[name] = map[string]int{}
		}
		index[name][path] = rank
	}
	return index
}

// snippetFile turns a Markdown block into a Go file: as is when it has a
// package clause, else with a package clause, the imports its package
// names call for, and, for statements, a function around them. A //line
// comment maps the block's code back to its page.
func snippetFile(b block, index map[string]map[string]int) (string, error) {
	if strings.HasPrefix(strings.TrimSpace(b.Code), "package ") {
		return fmt.Sprintf("//line %s:%d\n%s", b.File, b.Line, b.Code), nil
	}
	fset := token.NewFileSet()
	head, tail := "package block\n\n", ""
	f, err := parser.ParseFile(fset, "", head+b.Code, parser.SkipObjectResolution)
	if err != nil || len(f.Decls) == 0 {
		// Not declarations: statements of a function body.
		head = "package block\n\nfunc _(ctx context.Context) error {\n"
		tail = "\nreturn nil\n}\n"
		f, err = parser.ParseFile(fset, "", head+b.Code+tail, 0)
		if err != nil {
			return "", fmt.Errorf("neither declarations nor statements: %v", err)
		}
	} else if f, err = parser.ParseFile(fset, "", head+b.Code, 0); err != nil {
		return "", err
	}
	names := map[string]bool{}
	if tail != "" {
		names["context"] = true
	}
	unresolved := map[*ast.Ident]bool{}
	for _, id := range f.Unresolved {
		unresolved[id] = true
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && unresolved[id] {
				names[id.Name] = true
			}
		}
		return true
	})
	var imports []string
	for _, name := range slices.Sorted(maps.Keys(names)) {
		path, err := resolvePackage(name, index)
		if err != nil {
			return "", err
		}
		if path != "" {
			imports = append(imports, strconv.Quote(path))
		}
	}
	var src strings.Builder
	src.WriteString("package block\n\n")
	if len(imports) > 0 {
		fmt.Fprintf(&src, "import (\n\t%s\n)\n\n", strings.Join(imports, "\n\t"))
	}
	if tail != "" {
		src.WriteString("func _(ctx context.Context) error {\n")
	}
	fmt.Fprintf(&src, "//line %s:%d\n%s%s", b.File, b.Line, b.Code, tail)
	if _, err := format.Source([]byte(src.String())); err != nil {
		return "", err
	}
	return src.String(), nil
}

// resolvePackage returns the import path for a package name the block
// uses, "" when no package has that name (it is then a local variable,
// and the compiler judges it).
func resolvePackage(name string, index map[string]map[string]int) (string, error) {
	cands := index[name]
	if len(cands) == 0 {
		return "", nil
	}
	best := rankOther + 1
	for _, r := range cands {
		best = min(best, r)
	}
	var paths []string
	for p, r := range cands {
		if r == best {
			paths = append(paths, p)
		}
	}
	if len(paths) > 1 {
		slices.Sort(paths)
		return "", fmt.Errorf("package name %q is ambiguous (%s): write this block as a whole file, with its package clause and imports", name, strings.Join(paths, ", "))
	}
	return paths[0], nil
}
