// Command emrctl manages EMR clusters on Alibaba Cloud and AWS.
package main

import (
	"os"

	"github.com/emrctl/emrctl/internal/cli"
	_ "github.com/emrctl/emrctl/internal/termquiet" // must initialise before the terminal libraries
)

func main() {
	os.Exit(cli.Main())
}
