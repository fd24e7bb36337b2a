module github.com/oauthapps/oauthapps

go 1.24
