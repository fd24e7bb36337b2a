module github.com/oauthapps/oauthapps

go 1.24.0

require (
	github.com/stretchr/testify v1.12.1
	golang.org/x/crypto v0.47.0
)

require (
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/sys v0.40.0 // indirect
)
