module github.com/oauthapps/oauthapps

go 1.24.0

require golang.org/x/crypto v0.47.0

require golang.org/x/sys v0.40.0 // indirect
