package node

import (
	"testing"
	"time"
)

// A waiting node must read the chain often around the moment the next round is due, so it
// starts the round with its peers: with the flat back-off to PollMax (5 s) it started up to
// 5 s late and its rollouts reached peers that had finished gathering (found by the full
// soak test). Far from the end and long past it, the back-off stays.
func TestRoundClockPollsFastNearTheRoundsEnd(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	const backoff, fast = 4 * time.Second, 250 * time.Millisecond
	type read struct {
		round uint64
		at    float64
	}
	cases := []struct {
		name  string
		reads []read
		now   float64
		want  time.Duration
	}{
		{"nothing known: back-off", nil, 0, backoff},
		{"one round seen: length unknown", []read{{5, 0}}, 1, backoff},
		{"far from the end: back-off", []read{{5, 0}, {6, 12}}, 13, backoff},
		{"end within the back-off: wake just before it", []read{{5, 0}, {6, 12}}, 21, 3*time.Second - fast},
		{"at the expected end: fast", []read{{5, 0}, {6, 12}}, 23.9, fast},
		{"a little overdue: fast", []read{{5, 0}, {6, 12}}, 26, fast},
		{"three seconds overdue: back-off again", []read{{5, 0}, {6, 12}}, 27.5, backoff},
		{"short rounds: the window is a quarter round", []read{{5, 0}, {6, 4}}, 9.2, backoff},
		{"a skipped round measures one round", []read{{5, 0}, {7, 24}}, 35.9, fast},
		{"the shortest recent round counts (a late sighting)", []read{{5, 0}, {6, 15}, {7, 24}, {8, 36}}, 42, 3*time.Second - fast},
		{"the chain went back: unknown again", []read{{5, 0}, {6, 12}, {2, 13}}, 24, backoff},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var c roundClock
			for _, r := range tc.reads {
				c.saw(r.round, at(r.at))
				c.saw(r.round, at(r.at+0.5)) // a second read of the same round changes nothing
			}
			if got := c.nextPoll(at(tc.now), backoff, fast); got != tc.want {
				t.Fatalf("nextPoll = %s, want %s (estimated round %s)", got, tc.want, c.length())
			}
		})
	}
}
