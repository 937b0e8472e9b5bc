package config

import (
	"strings"
	"testing"
)

// The fault tests' settings: a cut range parses as FIRST-LAST and anything else is refused
// with the key named; the pause is bounded.
func TestDebugSettings(t *testing.T) {
	for _, tt := range []struct {
		key, value string
		from, to   uint64
		cut        bool
		wantErr    string
	}{
		{key: "debug.cut_off_rounds", value: ""},
		{key: "debug.cut_off_rounds", value: "4-6", from: 4, to: 6, cut: true},
		{key: "debug.cut_off_rounds", value: " 7 - 7 ", from: 7, to: 7, cut: true},
		{key: "debug.cut_off_rounds", value: "6-4", wantErr: "debug.cut_off_rounds"},
		{key: "debug.cut_off_rounds", value: "4", wantErr: "FIRST-LAST"},
		{key: "debug.cut_off_rounds", value: "a-b", wantErr: "debug.cut_off_rounds"},
		{key: "debug.phase_pause_ms", value: "250"},
		{key: "debug.phase_pause_ms", value: "-1", wantErr: "debug.phase_pause_ms"},
	} {
		c := Default()
		err := c.Set(tt.key, tt.value)
		if err == nil {
			err = c.Validate()
		}
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s=%q: error %v, want one naming %q", tt.key, tt.value, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s=%q: %v", tt.key, tt.value, err)
			continue
		}
		from, to, ok, err := c.Debug.CutOff()
		if tt.key == "debug.cut_off_rounds" && (err != nil || ok != tt.cut || from != tt.from || to != tt.to) {
			t.Errorf("%q: CutOff() = %d, %d, %v, %v", tt.value, from, to, ok, err)
		}
	}
	if Default().Debug != (Debug{}) {
		t.Fatal("the debug settings must be off by default")
	}
}
