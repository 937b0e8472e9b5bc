package cli

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/engine/metal"
)

func TestDoctorMetal(t *testing.T) {
	saved := metalDescribe
	defer func() { metalDescribe = saved }()
	for _, tc := range []struct {
		name     string
		describe func() (metal.Info, error)
		want     []string
	}{
		{"an Apple GPU", func() (metal.Info, error) {
			return metal.Info{Name: "Apple M2 Pro", Family: "Apple8", Metal3: true, MSL: "3.1", Unified: true,
				WorkingSet: 21 << 30, MaxBuffer: 16 << 30}, nil
		}, []string{"gpu       Apple M2 Pro", "family    Apple8, Metal 3", "msl       3.1", "unified", "budget 21.0 GiB"}},
		{"skipped", func() (metal.Info, error) { return metal.Info{}, errors.New("Metal exists only on macOS") },
			[]string{"not used: Metal exists only on macOS"}},
		{"this computer", saved, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			metalDescribe = tc.describe
			var out bytes.Buffer
			if err := reportMetal(nil, &out); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("doctor lacks %q:\n%s", w, out.String())
				}
			}
			if out.Len() == 0 {
				t.Error("empty section")
			}
		})
	}
}
