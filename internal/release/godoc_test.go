package release

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// startPackages are the packages whose documentation a new user reads
// first; each says where to start.
var startPackages = []string{"oauthapp", "oauthhttp", "scope", "secret", "store", "token"}

var (
	identWord   = regexp.MustCompile(`\b[A-Z][A-Za-z0-9_]*\b`)
	exampleWord = regexp.MustCompile(`\bExample[A-Za-z0-9_]*\b`)
)

// TestPackageDocsSayWhereToStart checks that `go doc` of each main
// package opens with a "# Where to start" section that names at least one
// of the package's exported functions or types, and that every Example it
// points to exists.
func TestPackageDocsSayWhereToStart(t *testing.T) {
	root := repoRoot(t)
	for _, pkg := range startPackages {
		t.Run(pkg, func(t *testing.T) {
			dir := filepath.Join(root, pkg)
			fset := token.NewFileSet()
			pkgs, err := parser.ParseDir(fset, dir, nil, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			var docText string
			exported := map[string]bool{}
			examples := map[string]bool{}
			for _, p := range pkgs {
				for name, f := range p.Files {
					test := strings.HasSuffix(name, "_test.go")
					if f.Doc != nil && !test && p.Name == pkg {
						docText += f.Doc.Text()
					}
					for _, d := range f.Decls {
						switch d := d.(type) {
						case *ast.FuncDecl:
							if test && strings.HasPrefix(d.Name.Name, "Example") {
								examples[d.Name.Name] = true
							} else if !test && d.Recv == nil && d.Name.IsExported() {
								exported[d.Name.Name] = true
							}
						case *ast.GenDecl:
							for _, s := range d.Specs {
								if ts, ok := s.(*ast.TypeSpec); ok && !test && ts.Name.IsExported() {
									exported[ts.Name.Name] = true
								}
							}
						}
					}
				}
			}
			_, section, ok := strings.Cut(docText, "# Where to start\n")
			if !ok {
				t.Fatalf("the package documentation of %s has no \"# Where to start\" section", pkg)
			}
			if next := strings.Index(section, "\n# "); next >= 0 {
				section = section[:next]
			}
			named := 0
			for _, w := range identWord.FindAllString(section, -1) {
				if exported[w] {
					named++
				}
			}
			if named == 0 {
				t.Errorf("the \"Where to start\" section of %s names none of its exported functions or types:\n%s", pkg, section)
			}
			for _, ex := range exampleWord.FindAllString(section, -1) {
				if !examples[ex] {
					t.Errorf("the \"Where to start\" section of %s points to %s, which does not exist", pkg, ex)
				}
			}
		})
	}
}
