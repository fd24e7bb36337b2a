// Package release holds no code, only tests of the repository as a user
// receives it, run by CI like every module's tests:
//
//   - every module a user imports installs with go get from a module proxy
//     at the release version the nested modules require, in a new module
//     outside the tree (proxy_test.go), and the nested modules are laid out
//     for that: a released core required, no replace, go.work for
//     development (modules_test.go);
//   - every Go block of README.md and of docs/*.md compiles (readme_test.go);
//   - the README's quick start runs as written, from an empty build cache,
//     and each of its requests answers what the README says
//     (quickstart_test.go).
//
// It is a nested module of its own because it needs golang.org/x/mod,
// which the core's go.mod must not gain, and because its tests span every
// module of the repository rather than one.
package release
