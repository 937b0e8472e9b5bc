// Package version says which swarmdesk this is. Release builds set Version from the git tag
// (-ldflags "-X github.com/swarmdesk/swarmdesk/app/version.Version=v1.2.3"); the commit comes
// from the build info Go embeds.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version is the release version; "dev" in a plain go build.
var Version = "0.1.0-dev"

// Commit is the VCS revision the binary was built from, or "unknown".
func Commit() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" && dirty {
			rev += "+dirty"
		}
		if rev != "" {
			return rev
		}
	}
	return "unknown"
}

// String is the one line `swarmdesk version` prints.
func String() string {
	return fmt.Sprintf("swarmdesk %s (commit %s, %s, %s/%s)", Version, Commit(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
