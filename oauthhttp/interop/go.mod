module github.com/oauthapps/oauthapps/oauthhttp/interop

go 1.24.0

require (
	github.com/go-jose/go-jose/v4 v4.1.9
	github.com/oauthapps/oauthapps v0.1.0
	golang.org/x/oauth2 v0.35.0
)

require (
	github.com/golang-jwt/jwt/v5 v5.3.1 // indirect
	golang.org/x/crypto v0.47.0 // indirect
	golang.org/x/sys v0.40.0 // indirect
)
