module github.com/oauthapps/oauthapps/examples/tokenserver

go 1.24.0

require github.com/oauthapps/oauthapps v0.1.0
