package chart

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestNiceStep(t *testing.T) {
	tests := []struct {
		span float64
		max  int
		want float64
	}{
		{10, 5, 2},
		{10, 10, 1},
		{1, 5, 0.2},
		{0.3, 3, 0.1},
		{7, 3, 5},
		{100, 4, 50},
		{1234, 5, 500},
		{3, 1, 5},
		{1, 0, 1}, // maxTicks below 1 counts as 1
		{0, 5, 0},
		{-1, 5, 0},
		{math.NaN(), 5, 0},
		{math.Inf(1), 5, 0},
	}
	for _, tt := range tests {
		if got := NiceStep(tt.span, tt.max); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("NiceStep(%v, %d) = %v, want %v", tt.span, tt.max, got, tt.want)
		}
	}
}

func TestTicks(t *testing.T) {
	tests := []struct {
		name   string
		lo, hi float64
		max    int
		want   []float64
	}{
		{"unit", 0, 1, 5, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		{"offset", 3, 17, 4, []float64{5, 10, 15}},
		{"negative", -1, 1, 4, []float64{-1, -0.5, 0, 0.5, 1}},
		{"equal", 2, 2, 5, []float64{2}},
		{"reversed", 2, 1, 5, nil},
		{"nan", math.NaN(), 1, 5, nil},
		{"inf", 0, math.Inf(1), 5, nil},
		{"overflowing span", -math.MaxFloat64, math.MaxFloat64, 5, []float64{-math.MaxFloat64, math.MaxFloat64}},
		{"rounds", 1, 1000, 4, []float64{500, 1000}},
		{"rounds finer", 1, 1000, 5, []float64{200, 400, 600, 800, 1000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Ticks(tt.lo, tt.hi, tt.max)
			if len(got) != len(tt.want) {
				t.Fatalf("Ticks(%v, %v, %d) = %v, want %v", tt.lo, tt.hi, tt.max, got, tt.want)
			}
			for i := range got {
				if math.Abs(got[i]-tt.want[i]) > 1e-9 {
					t.Fatalf("Ticks(%v, %v, %d) = %v, want %v", tt.lo, tt.hi, tt.max, got, tt.want)
				}
			}
		})
	}
}

func TestNiceBounds(t *testing.T) {
	tests := []struct {
		lo, hi         float64
		wantLo, wantHi float64
	}{
		{0.13, 0.87, 0, 1},
		{3, 17, 0, 20},
		{-0.4, 0.3, -0.4, 0.4},
		{5, 5, 4.4, 5.6}, // flat series gets a band
		{0, 0, -1, 1},
		{math.NaN(), 1, 0, 1},
		{2, 1, 1, 2},
	}
	for _, tt := range tests {
		lo, hi := NiceBounds(tt.lo, tt.hi, 5)
		if math.Abs(lo-tt.wantLo) > 1e-9 || math.Abs(hi-tt.wantHi) > 1e-9 {
			t.Errorf("NiceBounds(%v, %v) = %v, %v, want %v, %v", tt.lo, tt.hi, lo, hi, tt.wantLo, tt.wantHi)
		}
	}
}

func TestFormatTick(t *testing.T) {
	tests := []struct {
		v, step float64
		want    string
	}{
		{0, 1, "0"},
		{-0.0, 1, "0"},
		{0.4, 0.2, "0.4"},
		{0.25, 0.25, "0.25"},
		{1.5, 0.5, "1.5"},
		{2.5, 2.5, "2.5"},
		{300, 100, "300"},
		{9000, 1000, "9000"},
		{12000, 2000, "12k"},
		{12500, 500, "12.5k"},
		{3e6, 1e6, "3M"},
		{2e9, 1e9, "2G"},
		{1e-7, 1e-7, "1e-07"},
		{math.NaN(), 1, ""},
		{math.Inf(-1), 1, ""},
	}
	for _, tt := range tests {
		if got := FormatTick(tt.v, tt.step); got != tt.want {
			t.Errorf("FormatTick(%v, %v) = %q, want %q", tt.v, tt.step, got, tt.want)
		}
	}
}

func TestFormatValue(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{0, "0"},
		{0.7341, "0.734"},
		{1.23456, "1.235"},
		{42.123, "42.12"},
		{153.26, "153.3"},
		{2048.7, "2049"},
		{-0.5, "-0.5"},
		{1.5e7, "1.5e+07"},
		{math.NaN(), "–"},
	}
	for _, tt := range tests {
		if got := FormatValue(tt.v); got != tt.want {
			t.Errorf("FormatValue(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestTimeTicks(t *testing.T) {
	base := float64(time.Date(2026, 11, 20, 13, 7, 0, 0, time.UTC).Unix())
	tests := []struct {
		name     string
		lo, hi   float64
		max      int
		step     float64
		labels   []string
		wantNone bool
	}{
		{name: "hour in 15 min", lo: base, hi: base + 3600, max: 5, step: 900,
			labels: []string{"13:15", "13:30", "13:45", "14:00"}},
		{name: "minutes", lo: base, hi: base + 240, max: 4, step: 60,
			labels: []string{"13:07", "13:08", "13:09", "13:10", "13:11"}},
		{name: "seconds", lo: base, hi: base + 20, max: 4, step: 5,
			labels: []string{"13:07:00", "13:07:05", "13:07:10", "13:07:15", "13:07:20"}},
		{name: "day in 6h, midnight shows the date", lo: base, hi: base + 86400, max: 5, step: 21600,
			labels: []string{"18:00", "Nov 21", "06:00", "12:00"}},
		{name: "week in days", lo: base, hi: base + 7*86400, max: 7, step: 86400,
			labels: []string{"Nov 21", "Nov 22", "Nov 23", "Nov 24", "Nov 25", "Nov 26", "Nov 27"}},
		{name: "month in weeks", lo: base, hi: base + 30*86400, max: 5, step: 7 * 86400,
			labels: []string{"Nov 27", "Dec 4", "Dec 11", "Dec 18"}},
		{name: "nan", lo: math.NaN(), hi: base, max: 5, wantNone: true},
		{name: "reversed", lo: base, hi: base - 1, max: 5, wantNone: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ticks, step := TimeTicks(tt.lo, tt.hi, tt.max, time.UTC)
			if tt.wantNone {
				if len(ticks) != 0 {
					t.Fatalf("got %v, want none", ticks)
				}
				return
			}
			if step != tt.step {
				t.Errorf("step = %v, want %v", step, tt.step)
			}
			var labels []string
			for _, v := range ticks {
				labels = append(labels, FormatTime(v, step, time.UTC))
			}
			if !slices.Equal(labels, tt.labels) {
				t.Errorf("labels = %q, want %q", labels, tt.labels)
			}
		})
	}
}

func TestTimeTicksFollowLocalZone(t *testing.T) {
	// In UTC+5:30 the quarter hours fall on half-past UTC minutes.
	loc := time.FixedZone("IST", 5*3600+1800)
	lo := float64(time.Date(2026, 11, 20, 10, 0, 0, 0, loc).Unix())
	ticks, step := TimeTicks(lo, lo+3600, 4, loc)
	var labels []string
	for _, v := range ticks {
		labels = append(labels, FormatTime(v, step, loc))
	}
	if want := []string{"10:00", "10:15", "10:30", "10:45", "11:00"}; !slices.Equal(labels, want) {
		t.Errorf("labels = %q, want %q", labels, want)
	}
}

func TestFormatInstant(t *testing.T) {
	ref := float64(time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC).Unix())
	tests := []struct {
		v    float64
		want string
	}{
		{ref - 3600, "17:00:00"},
		{ref - 86400, "Nov 19 18:00"},
		{math.NaN(), "–"},
	}
	for _, tt := range tests {
		if got := FormatInstant(tt.v, ref, time.UTC); got != tt.want {
			t.Errorf("FormatInstant(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

// FuzzTicks checks the promises every axis relies on: finite, strictly increasing ticks inside
// the range, never more than maxTicks+1, and labels without NaN or Inf.
func FuzzTicks(f *testing.F) {
	f.Add(0.0, 1.0, 5)
	f.Add(-3.5, 1e9, 7)
	f.Add(1e15, 1e15+1, 4)
	f.Add(-math.MaxFloat64, math.MaxFloat64, 3)
	f.Add(5e-324, 1e-323, 2)
	f.Add(0.1, 0.1, 0)
	f.Fuzz(func(t *testing.T, lo, hi float64, maxTicks int) {
		maxTicks = maxTicks % 50
		ticks := Ticks(lo, hi, maxTicks)
		if !finite(lo) || !finite(hi) || hi < lo {
			if ticks != nil {
				t.Fatalf("Ticks(%v, %v) = %v for an invalid range", lo, hi, ticks)
			}
			return
		}
		if len(ticks) == 0 || len(ticks) > max(maxTicks, 1)+1 {
			t.Fatalf("Ticks(%v, %v, %d) gave %d ticks", lo, hi, maxTicks, len(ticks))
		}
		step := 0.0
		if len(ticks) > 1 {
			step = ticks[1] - ticks[0]
		}
		for i, v := range ticks {
			if !finite(v) || v < lo || v > hi {
				t.Fatalf("tick %v outside [%v, %v]", v, lo, hi)
			}
			if i > 0 && v <= ticks[i-1] {
				t.Fatalf("ticks not increasing: %v", ticks)
			}
			s := FormatTick(v, step)
			if s == "" || strings.Contains(s, "NaN") || strings.Contains(s, "Inf") {
				t.Fatalf("FormatTick(%v, %v) = %q", v, step, s)
			}
		}
		nlo, nhi := NiceBounds(lo, hi, maxTicks)
		if !finite(nlo) || !finite(nhi) || nlo > lo || nhi < hi {
			t.Fatalf("NiceBounds(%v, %v) = %v, %v", lo, hi, nlo, nhi)
		}
	})
}
