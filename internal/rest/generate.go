package rest

//go:generate go tool ogen --config ogen.yml --target oas --package oas --clean ../../api/openapi.yaml
