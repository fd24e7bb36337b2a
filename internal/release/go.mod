module github.com/oauthapps/oauthapps/internal/release

go 1.24.0

require golang.org/x/mod v0.31.0
