package version

import (
	"runtime"
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	old := Version
	defer func() { Version = old }()
	Version = "v9.8.7"
	s := String()
	for _, want := range []string{"swarmdesk v9.8.7", runtime.GOOS + "/" + runtime.GOARCH, runtime.Version()} {
		if !strings.Contains(s, want) {
			t.Errorf("%q lacks %q", s, want)
		}
	}
}
