package chart

import (
	"math"
	"strconv"
	"time"
)

// finite reports whether v is an ordinary number; NaN and ±Inf can come from a diverged training
// step or a division by zero in a metric, and must never reach a label or a coordinate.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// NiceStep returns the 1-2-5 step (…, 0.1, 0.2, 0.5, 1, 2, 5, 10, …) that splits span into at
// most maxTicks intervals. Round steps give labels people can read at a glance. It returns 0 when
// no such step exists (span not positive, not finite, or too small to represent).
func NiceStep(span float64, maxTicks int) float64 {
	if maxTicks < 1 {
		maxTicks = 1
	}
	if !(span > 0) || !finite(span) {
		return 0
	}
	raw := span / float64(maxTicks)
	base := math.Pow(10, math.Floor(math.Log10(raw)))
	if !(base > 0) || !finite(base) {
		return 0
	}
	for _, m := range [...]float64{1, 2, 5, 10} {
		// The tolerance keeps 0.3/3 from becoming 0.2 through rounding noise.
		if s := m * base; s >= raw*(1-1e-9) && finite(s) {
			return s
		}
	}
	return 0
}

// Ticks returns the multiples of a 1-2-5 step that lie in [lo, hi], in increasing order: at most
// maxTicks+1 values, each finite and strictly greater than the one before. It returns nil when lo
// or hi is not finite or hi < lo, and {lo} when they are equal.
func Ticks(lo, hi float64, maxTicks int) []float64 {
	if !finite(lo) || !finite(hi) || hi < lo {
		return nil
	}
	if maxTicks < 1 {
		maxTicks = 1
	}
	if hi == lo {
		return []float64{lo}
	}
	step := NiceStep(hi-lo, maxTicks)
	if step == 0 {
		// The span overflowed or underflowed: the ends are the only honest labels.
		return []float64{lo, hi}
	}
	first, last := math.Ceil(lo/step), math.Floor(hi/step)
	if !finite(first) || !finite(last) || last < first {
		return []float64{lo, hi}
	}
	n := min(int(last-first)+1, maxTicks+1)
	out := make([]float64, 0, n)
	for i := range n {
		v := (first + float64(i)) * step
		if v == 0 {
			v = 0 // no "-0" label
		}
		// Far from zero, first+i can stop changing; skip repeats rather than emit them.
		if v < lo || v > hi || (len(out) > 0 && v <= out[len(out)-1]) {
			continue
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return []float64{lo, hi}
	}
	return out
}

// NiceBounds widens [lo, hi] to multiples of its 1-2-5 step, so the value axis starts and ends on
// a labelled grid line. A flat series (lo == hi) gets a band around its value instead of a zero
// height axis.
func NiceBounds(lo, hi float64, maxTicks int) (float64, float64) {
	if !finite(lo) || !finite(hi) {
		return 0, 1
	}
	if hi < lo {
		lo, hi = hi, lo
	}
	if hi == lo {
		d := math.Abs(lo) * 0.1
		if d == 0 || !finite(lo-d) || !finite(hi+d) {
			d = 1
		}
		lo, hi = lo-d, hi+d
	}
	step := NiceStep(hi-lo, maxTicks)
	if step == 0 {
		return lo, hi
	}
	nlo, nhi := math.Floor(lo/step)*step, math.Ceil(hi/step)*step
	if !finite(nlo) || !finite(nhi) || nhi <= nlo {
		return lo, hi
	}
	// k*step can land an ulp inside the data; never cut a point off.
	return min(nlo, lo), max(nhi, hi)
}

// FormatTick writes an axis label for v on a grid of the given step: just enough decimals to tell
// neighbouring ticks apart, and k/M/G suffixes for large numbers so labels stay narrow.
func FormatTick(v, step float64) string {
	if !finite(v) {
		return ""
	}
	if v == 0 {
		return "0"
	}
	a := math.Abs(v)
	if a >= 1e15 || (a < 1e-6) {
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	for _, u := range [...]struct {
		div float64
		sfx string
	}{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e4, "k"}} {
		if a >= u.div {
			div := u.div
			if u.sfx == "k" {
				div = 1e3
			}
			return strconv.FormatFloat(v/div, 'f', decimals(step/div), 64) + u.sfx
		}
	}
	return strconv.FormatFloat(v, 'f', decimals(step), 64)
}

// decimals is how many fraction digits show a multiple of step exactly (0.25 needs 2, 0.5 needs 1).
func decimals(step float64) int {
	if !(step > 0) || !finite(step) {
		return 0
	}
	d := max(0, int(math.Ceil(-math.Log10(step)-1e-9)))
	// A 2.5 or 0.25 step needs one more digit than its magnitude.
	if f := step * math.Pow(10, float64(d)); math.Abs(f-math.Round(f)) > 1e-6 {
		d++
	}
	return min(max(d, 0), 9)
}

// FormatValue writes a single reading (the hover readout): three significant digits, which is as
// much precision as a chart can claim.
func FormatValue(v float64) string {
	if !finite(v) {
		return "–"
	}
	a := math.Abs(v)
	switch {
	case a == 0:
		return "0"
	case a >= 1e6 || a < 1e-3:
		return strconv.FormatFloat(v, 'g', 3, 64)
	case a >= 1000:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case a >= 1:
		return strconv.FormatFloat(v, 'f', 3, 64)
	default:
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
}

// timeSteps are the steps a time axis may use below one day, in seconds: each lands on round
// clock times (:00, :15, :30…).
var timeSteps = [...]float64{1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200}

const day = 86400

// timeOK reports whether Unix second v can be shown as a time: finite and within ±30,000 years,
// beyond which time.Time arithmetic stops being meaningful.
func timeOK(v float64) bool { return finite(v) && math.Abs(v) <= 1e12 }

// unixTime is Unix second v as a time in loc (time.Local when nil), if timeOK.
func unixTime(v float64, loc *time.Location) (time.Time, bool) {
	if !timeOK(v) {
		return time.Time{}, false
	}
	if loc == nil {
		loc = time.Local
	}
	return time.Unix(int64(math.Round(v)), 0).In(loc), true
}

// TimeTicks returns tick positions for a time axis over [lo, hi] (Unix seconds) and the step
// between them: at most maxTicks+1 ticks on round wall-clock times in loc (whole minutes, hours,
// local midnights), so "14:00" means 14:00 where the user is.
func TimeTicks(lo, hi float64, maxTicks int, loc *time.Location) ([]float64, float64) {
	if !timeOK(lo) || !timeOK(hi) || hi < lo {
		return nil, 0
	}
	if loc == nil {
		loc = time.Local
	}
	if maxTicks < 1 {
		maxTicks = 1
	}
	if hi == lo {
		return []float64{lo}, 0
	}
	span := hi - lo
	step := 0.0
	for _, s := range timeSteps {
		if span/s <= float64(maxTicks) {
			step = s
			break
		}
	}
	var out []float64
	if step > 0 {
		_, off := time.Unix(int64(math.Floor(lo)), 0).In(loc).Zone()
		o := float64(off)
		for v := math.Ceil((lo+o)/step)*step - o; v <= hi && len(out) <= maxTicks; v += step {
			if v >= lo {
				out = append(out, v)
			}
		}
		return out, step
	}
	days := math.Max(1, NiceStep(span/day, maxTicks))
	if (days == 5 || days == 10) && span/(7*day) <= float64(maxTicks) {
		days = 7 // weeks read better than 5- or 10-day steps
	}
	t := time.Unix(int64(math.Floor(lo)), 0).In(loc)
	t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	for len(out) <= maxTicks {
		v := float64(t.Unix())
		if v > hi {
			break
		}
		if v >= lo && (len(out) == 0 || v > out[len(out)-1]) {
			out = append(out, v)
		}
		t = t.AddDate(0, 0, int(days))
	}
	return out, days * day
}

// FormatTime writes a time-axis label for Unix second v on a grid of the given step: seconds only
// when the step needs them, the date instead of 00:00 at midnight, the date alone for day steps.
func FormatTime(v, step float64, loc *time.Location) string {
	t, ok := unixTime(v, loc)
	if !ok {
		return ""
	}
	switch {
	case step >= day:
		return t.Format("Jan 2")
	case step > 0 && step < 60:
		return t.Format("15:04:05")
	case t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0:
		return t.Format("Jan 2")
	default:
		return t.Format("15:04")
	}
}

// FormatInstant writes one moment for the hover readout: the time, with the date when it is not
// the same day as ref (the newest point), so old readings are not mistaken for today's.
func FormatInstant(v, ref float64, loc *time.Location) string {
	t, ok := unixTime(v, loc)
	if !ok {
		return "–"
	}
	if r, ok := unixTime(ref, loc); ok && r.YearDay() == t.YearDay() && r.Year() == t.Year() {
		return t.Format("15:04:05")
	}
	return t.Format("Jan 2 15:04")
}
