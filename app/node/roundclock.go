package node

import "time"

// roundClock learns when the chain's rounds begin and how long they last, from this node's own
// reads of the coordinator's round, so awaitRound can poll often around the moment the next
// round is due and seldom otherwise. With a flat back-off up to Config.PollMax a waiting node
// saw a new round up to PollMax late, and its rollouts reached peers after they had stopped
// gathering (the soak test counted them lost).
type roundClock struct {
	round   uint64
	seen    time.Time       // when round was first read
	lengths []time.Duration // the last few observed round lengths
}

// clockSamples is how many observed round lengths the estimate looks at.
const clockSamples = 3

// saw records a read of the chain's round at t.
func (c *roundClock) saw(round uint64, t time.Time) {
	switch {
	case round == c.round && !c.seen.IsZero():
		return
	case round > c.round && !c.seen.IsZero():
		// Per round, so a read that missed a round still measures one.
		l := t.Sub(c.seen) / time.Duration(round-c.round)
		c.lengths = append(c.lengths, l)
		if len(c.lengths) > clockSamples {
			c.lengths = c.lengths[1:]
		}
	default: // the first read, or the chain went back: start over
		c.lengths = nil
	}
	c.round, c.seen = round, t
}

// length is the estimated round length, 0 while unknown. The shortest recent observation:
// a round change is seen late by up to one poll, which can only make an observation longer
// than the round or, right after a late sighting, shorter; polling early costs a few reads,
// polling late costs the round.
func (c *roundClock) length() time.Duration {
	var est time.Duration
	for i, l := range c.lengths {
		if i == 0 || l < est {
			est = l
		}
	}
	return est
}

// nextPoll is how long awaitRound sleeps before reading the round again at now, given the
// back-off it would use otherwise (between PollMin and PollMax). Far from the expected end of
// the current round it backs off as before; it wakes fast before the expected end and then
// polls every fast for a bounded window (a quarter round, at most fastWindow); a round
// overdue beyond that (a host restarting, a stalled chain) gets the plain back-off again.
func (c *roundClock) nextPoll(now time.Time, backoff, fast time.Duration) time.Duration {
	est := c.length()
	if est <= 0 || c.seen.IsZero() {
		return backoff
	}
	until := c.seen.Add(est).Sub(now) - fast // wake one fast poll before the expected end
	switch {
	case until >= backoff:
		return backoff
	case until > fast:
		return until
	case -until-fast <= min(est/4, fastWindow):
		return fast
	default:
		return backoff
	}
}

// fastWindow bounds how long a late round is polled for at the fast rate.
const fastWindow = 3 * time.Second
