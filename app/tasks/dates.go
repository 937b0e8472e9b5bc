package tasks

import (
	"fmt"
	"strings"
	"time"
)

// dates: calendar arithmetic with the proleptic Gregorian calendar (time package, UTC).
// Kinds: the date N days after or before a date (answer YYYY-MM-DD), and the weekday of a date
// (levels 1–3 give a nearby reference weekday, 4–5 none).
// Accepted dates: "2024-03-05", "2024-3-5", "March 5, 2024", "Mar 5, 2024", "5 March 2024", "5 Mar 2024"
// (month names in any case). Accepted weekdays: full name or its first three letters, any case,
// trailing period allowed ("Tuesday", "tuesday", "Tue.").
func init() {
	Register(&builtin{
		name:     "dates",
		describe: "Calendar arithmetic: add or subtract days, find the weekday of a date",
		gen:      genDates,
		match:    matchDate,
	})
}

const isoDate = "2006-01-02"

var (
	dateMaxDays = [MaxLevel]int{14, 60, 365, 1000, 3650}
	dateEpoch   = time.Date(1950, time.January, 1, 0, 0, 0, 0, time.UTC)
	dateLayouts = []string{"2006-1-2", "January 2, 2006", "Jan 2, 2006", "2 January 2006", "2 Jan 2006"}
)

func genDates(r *rng, level int) problem {
	base := dateEpoch.AddDate(0, 0, r.intn(100*365)) // 1950 … 2049
	n := r.between(1, levelParam(dateMaxDays, level))
	switch r.intn(3) {
	case 0:
		return problem{
			text:    fmt.Sprintf("What is the date %d days after %s?\n\nAnswer in YYYY-MM-DD format.", n, base.Format(isoDate)),
			answer:  base.AddDate(0, 0, n).Format(isoDate),
			example: "2024-03-05",
		}
	case 1:
		return problem{
			text:    fmt.Sprintf("What is the date %d days before %s?\n\nAnswer in YYYY-MM-DD format.", n, base.Format(isoDate)),
			answer:  base.AddDate(0, 0, -n).Format(isoDate),
			example: "2024-03-05",
		}
	}
	hint := ""
	switch {
	case level == 1:
		first := time.Date(base.Year(), base.Month(), 1, 0, 0, 0, 0, time.UTC)
		hint = fmt.Sprintf(" (%s was a %s.)", first.Format(isoDate), first.Weekday())
	case level <= 3:
		jan1 := time.Date(base.Year(), time.January, 1, 0, 0, 0, 0, time.UTC)
		hint = fmt.Sprintf(" (%s was a %s.)", jan1.Format(isoDate), jan1.Weekday())
	}
	return problem{
		text:    fmt.Sprintf("On which day of the week did %s fall?%s\n\nAnswer with the name of the weekday.", base.Format(isoDate), hint),
		answer:  base.Weekday().String(),
		example: "Tuesday",
	}
}

// parseDate reads a calendar date in one of the accepted layouts.
func parseDate(s string) (time.Time, bool) {
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// matchDate compares dates by calendar day and weekdays by name.
func matchDate(truth, given string) bool {
	if t, err := time.Parse(isoDate, truth); err == nil {
		g, ok := parseDate(given)
		return ok && g.Equal(t)
	}
	w := word(given)
	tw := strings.ToLower(truth)
	return w == tw || (len(w) == 3 && strings.HasPrefix(tw, w))
}
