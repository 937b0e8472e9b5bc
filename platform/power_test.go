package platform

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSysfsPower(t *testing.T) {
	supply := func(t *testing.T, files map[string]map[string]string) string {
		root := t.TempDir()
		for dev, kv := range files {
			os.MkdirAll(filepath.Join(root, dev), 0o755)
			for k, v := range kv {
				os.WriteFile(filepath.Join(root, dev, k), []byte(v+"\n"), 0o644)
			}
		}
		return root
	}
	tests := []struct {
		name        string
		files       map[string]map[string]string
		onAC, known bool
	}{
		{"desktop without battery", map[string]map[string]string{}, true, false},
		{"laptop on mains", map[string]map[string]string{"AC": {"type": "Mains", "online": "1"}, "BAT0": {"type": "Battery", "status": "Charging"}}, true, true},
		{"laptop on battery", map[string]map[string]string{"AC": {"type": "Mains", "online": "0"}, "BAT0": {"type": "Battery", "status": "Discharging"}}, false, true},
		{"USB-C charger", map[string]map[string]string{"ucsi": {"type": "USB", "online": "1"}, "BAT1": {"type": "Battery", "status": "Discharging"}}, true, true},
		{"battery full, no mains entry", map[string]map[string]string{"BAT0": {"type": "Battery", "status": "Full"}}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			onAC, known := sysfsPower(supply(t, tt.files))
			if onAC != tt.onAC || known != tt.known {
				t.Fatalf("got (%v, %v), want (%v, %v)", onAC, known, tt.onAC, tt.known)
			}
		})
	}
	if onAC, known := sysfsPower(filepath.Join(t.TempDir(), "missing")); !onAC || known {
		t.Fatal("no power-supply class must mean unknown")
	}
}
