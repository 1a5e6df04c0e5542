// Command emrctl manages EMR clusters on Alibaba Cloud and AWS.
package main

import (
	"os"

	"github.com/emrctl/emrctl/internal/cli"
)

func main() {
	os.Exit(cli.Main())
}
