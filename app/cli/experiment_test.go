package cli

import (
	"strings"
	"testing"
)

// Bad flags of `experiment sharing` say which flag and what is wanted, before any node starts.
func TestExperimentSharingFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--configs", "4-4"}, "--configs"},
		{[]string{"--configs", "4/4", "--nodes", "1"}, "at least 2"},
		{[]string{"--configs", "4/4", "--answers", "1"}, "at least 2"},
	} {
		args := append([]string{"experiment", "sharing", "--out", t.TempDir()}, tc.args...)
		_, errs, code := run(t, sandbox(t), nil, "", args...)
		if code == 0 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want an error with %q", tc.args, code, errs, tc.want)
		}
	}
}
