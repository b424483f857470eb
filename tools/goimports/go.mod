module kubeatlas/tools/goimports

go 1.22
