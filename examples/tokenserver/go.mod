module github.com/oauthapps/oauthapps/examples/tokenserver

go 1.24.0

require (
	github.com/golang-jwt/jwt/v5 v5.3.1
	github.com/jackc/pgx/v5 v5.7.6
	github.com/oauthapps/oauthapps v0.1.0
	github.com/oauthapps/oauthapps/store/postgres v0.1.0
)
