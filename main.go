// Command swarmdesk is the desktop app (run without arguments) and its command line.
package main

import (
	"os"

	"github.com/swarmdesk/swarmdesk/app/cli"
	"github.com/swarmdesk/swarmdesk/platform"
	"github.com/swarmdesk/swarmdesk/ui/desktop"
)

func main() {
	if len(os.Args) > 1 {
		platform.AttachParentConsole()
	}
	os.Exit(cli.Execute(cli.Options{OpenWindow: desktop.Run}, os.Args[1:]))
}
