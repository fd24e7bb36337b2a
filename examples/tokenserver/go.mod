module github.com/oauthapps/oauthapps/examples/tokenserver

go 1.24.0

require (
	github.com/golang-jwt/jwt/v5 v5.3.1
	github.com/oauthapps/oauthapps v0.1.0
)
