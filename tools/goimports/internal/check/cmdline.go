package check

import (
	"flag"
	"fmt"
	"os"
)

// FromCommandLine is the start of a type-checking oracle: it declares the flags they all take
// (-root, -goos, -goarch), parses the command line (a command declares its other flags
// first) and returns ForTree's checker and directories, with the root. When the walk fails it
// prints the error after the command's name and exits with status 1.
func FromCommandLine(command string) (*Checker, []Dir, string) {
	root := flag.String("root", ".", "Kubernetes-shaped tree to read")
	goos := flag.String("goos", "linux", "GOOS whose files are compiled")
	goarch := flag.String("goarch", "amd64", "GOARCH whose files are compiled")
	flag.Parse()

	c, dirs, err := ForTree(*root, *goos, *goarch)
	if err != nil {
		fmt.Fprintln(os.Stderr, command+":", err)
		os.Exit(1)
	}
	return c, dirs, *root
}
