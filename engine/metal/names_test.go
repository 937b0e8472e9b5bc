package metal

import (
	"os"
	"strings"
	"testing"
)

// The code's binding list must equal the committed one, so a new selector
// is a reviewed change of testdata/objc_names.txt (and is resolved on the
// macOS runner by TestBindingsResolve).
func TestBindingListMatchesCommitted(t *testing.T) {
	b, err := os.ReadFile("testdata/objc_names.txt")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			want = append(want, l)
		}
	}
	var got []string
	seen := map[string]bool{}
	for _, x := range bindings() {
		if x.name == "" {
			t.Fatalf("an unnamed entry in the binding tables: %+v", x)
		}
		if seen[x.String()] {
			t.Errorf("listed twice: %s", x)
		}
		seen[x.String()] = true
		got = append(got, x.String())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("binding list differs from testdata/objc_names.txt; the code's list is:\n%s", strings.Join(got, "\n"))
	}
}
