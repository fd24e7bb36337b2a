// Package browsertest drives the console (package console) in a real
// headless Chromium, through the Chrome DevTools Protocol (chromedp): the
// demo server's console_url sign-in, creating an app and reading its
// secret from the page, the token endpoint taking that secret, rotation
// without grace, a client key, delete, the roles, and a cross-origin form
// post; each page's headers are checked and each page is saved as a PNG
// screenshot.
//
// It is a module of its own so that chromedp stays out of the core's
// dependencies; it has no code but its tests. They need Chromium
// (Debian's chromium package, which .ci/run installs): without it they
// skip, except under CI, where they fail. Screenshots go to the directory
// in OAUTHAPPS_SCREENSHOTS, else to a temporary one.
package browsertest
