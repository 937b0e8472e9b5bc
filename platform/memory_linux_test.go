package platform

import (
	"bufio"
	"strings"
	"testing"
)

func TestParseMemInfo(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
	}{
		{"MemTotal:       16318040 kB\nMemFree: 1 kB\n", 16318040 << 10},
		{"MemFree: 1 kB\nMemTotal: 8 kB\n", 8 << 10},
		{"MemFree: 1 kB\n", 0},
		{"MemTotal: lots kB\n", 0},
		{"", 0},
	}
	if got := parseMemInfo(bufio.NewScanner(strings.NewReader("MemTotal: 8 kB\nMemAvailable:   3 kB\n")), "MemAvailable:"); got != 3<<10 {
		t.Errorf("MemAvailable = %d, want %d", got, 3<<10)
	}
	for _, tt := range tests {
		if got := parseMemInfo(bufio.NewScanner(strings.NewReader(tt.in)), "MemTotal:"); got != tt.want {
			t.Errorf("parseMemInfo(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestProcessMemory(t *testing.T) {
	now, peak := ProcessMemory()
	if now == 0 || peak < now {
		t.Fatalf("ProcessMemory() = %d now, %d peak; want a resident size and a peak at least as large", now, peak)
	}
}
