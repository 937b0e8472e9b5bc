package tasks

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// daysFromCivil and civilFromDays are Howard Hinnant's proleptic Gregorian algorithms (days since
// 1970-01-01), used here instead of package time so the test does not share the generator's code.
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func civilFromDays(z int) (y, m, d int) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

var weekdayNames = []string{"Thursday", "Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday"} // day 0 = 1970-01-01

func weekdayOf(days int) string { return weekdayNames[((days%7)+7)%7] }

var monthNames = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

var (
	dateShiftRe   = regexp.MustCompile(`^What is the date (\d+) days (after|before) (\d{4})-(\d{2})-(\d{2})\?`)
	dateWeekdayRe = regexp.MustCompile(`^On which day of the week did (\d{4})-(\d{2})-(\d{2}) fall\?(?: \((\d{4})-(\d{2})-(\d{2}) was a (\w+)\.\))?`)
)

func atoi(t *testing.T, s string) int {
	t.Helper()
	v, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("atoi %q: %v", s, err)
	}
	return v
}

func TestDates(t *testing.T) {
	kinds := map[string]int{}
	eachQuestion(t, "dates", func(t *testing.T, q Question) {
		if m := dateShiftRe.FindStringSubmatch(q.Prompt); m != nil {
			n := atoi(t, m[1])
			if m[2] == "before" {
				n = -n
			}
			kinds[m[2]]++
			y, mo, d := civilFromDays(daysFromCivil(atoi(t, m[3]), atoi(t, m[4]), atoi(t, m[5])) + n)
			want := fmt.Sprintf("%04d-%02d-%02d", y, mo, d)
			if q.Answer != want {
				t.Fatalf("answer %q, independent calendar says %s", q.Answer, want)
			}
			ny, nm, nd := civilFromDays(daysFromCivil(y, mo, d) + 1)
			accepted := []string{
				want, fmt.Sprintf("%d-%d-%d", y, mo, d), fmt.Sprintf("%s %d, %d", monthNames[mo-1], d, y),
				fmt.Sprintf("%s %d, %d", strings.ToLower(monthNames[mo-1]), d, y), fmt.Sprintf("%s %d, %d", monthNames[mo-1][:3], d, y),
				fmt.Sprintf("%d %s %d", d, monthNames[mo-1], y), want + " ",
			}
			rejected := []string{
				fmt.Sprintf("%04d-%02d-%02d", ny, nm, nd), fmt.Sprintf("%02d/%02d/%04d", mo, d, y),
				fmt.Sprintf("%04d-%02d-%02d", y+1, mo, d), "", weekdayOf(daysFromCivil(y, mo, d)),
			}
			if mo != d && d <= 12 {
				rejected = append(rejected, fmt.Sprintf("%04d-%02d-%02d", y, d, mo))
			}
			checkSpellings(t, q, accepted, rejected)
			return
		}
		m := dateWeekdayRe.FindStringSubmatch(q.Prompt)
		if m == nil {
			t.Fatalf("prompt matches neither date pattern")
		}
		kinds["weekday"]++
		days := daysFromCivil(atoi(t, m[1]), atoi(t, m[2]), atoi(t, m[3]))
		want := weekdayOf(days)
		if q.Answer != want {
			t.Fatalf("answer %q, independent calendar says %s", q.Answer, want)
		}
		switch hasHint := m[4] != ""; {
		case q.Level <= 3 && !hasHint, q.Level > 3 && hasHint:
			t.Fatalf("level %d: hint present = %v", q.Level, hasHint)
		case hasHint:
			if hw := weekdayOf(daysFromCivil(atoi(t, m[4]), atoi(t, m[5]), atoi(t, m[6]))); hw != m[7] {
				t.Fatalf("hint says %s-%s-%s was a %s, independent calendar says %s", m[4], m[5], m[6], m[7], hw)
			}
		}
		accepted := []string{want, strings.ToLower(want), strings.ToUpper(want), want[:3], want + ".", strings.ToLower(want[:3]) + "."}
		rejected := []string{weekdayOf(days + 1), weekdayOf(days - 1), want[:2], want + "s", m[1] + "-" + m[2] + "-" + m[3], ""}
		checkSpellings(t, q, accepted, rejected)
	})
	for _, k := range []string{"after", "before", "weekday"} {
		if kinds[k] < 20 {
			t.Errorf("only %d %q questions in %d; kinds %v", kinds[k], k, 5*seedsPerLevel, kinds)
		}
	}
}

func TestCivilRoundTrip(t *testing.T) {
	// The test's own calendar must be right before it can judge the generator's.
	known := []struct {
		y, m, d int
		days    int
		weekday string
	}{
		{1970, 1, 1, 0, "Thursday"},
		{2000, 2, 29, 11016, "Tuesday"},
		{1950, 1, 1, -7305, "Sunday"},
		{2024, 3, 5, 19787, "Tuesday"},
	}
	for _, k := range known {
		if got := daysFromCivil(k.y, k.m, k.d); got != k.days {
			t.Errorf("daysFromCivil(%d-%d-%d) = %d, want %d", k.y, k.m, k.d, got, k.days)
		}
		if got := weekdayOf(k.days); got != k.weekday {
			t.Errorf("weekday of %d-%d-%d = %s, want %s", k.y, k.m, k.d, got, k.weekday)
		}
	}
	for z := -30000; z < 40000; z += 37 {
		y, m, d := civilFromDays(z)
		if back := daysFromCivil(y, m, d); back != z {
			t.Fatalf("round trip %d -> %d-%d-%d -> %d", z, y, m, d, back)
		}
	}
}
