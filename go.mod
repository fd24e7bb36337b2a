module github.com/oauthapps/oauthapps

go 1.24

require (
	github.com/golang-jwt/jwt/v5 v5.3.1 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
)
