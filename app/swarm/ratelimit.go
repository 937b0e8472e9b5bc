package swarm

import (
	"sync"
	"time"
)

// rateLimiter is a per-key token bucket. It limits how fast one directly
// connected peer can push gossip at us, independent of which author signed
// the messages, so a relaying flooder is throttled too.
type rateLimiter struct {
	mu      sync.Mutex
	rate    float64
	burst   float64
	buckets map[string]*bucket
	now     func() time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(perSec float64, burst int) *rateLimiter {
	return &rateLimiter{rate: perSec, burst: float64(burst), buckets: map[string]*bucket{}, now: time.Now}
}

// allow takes one token for key, reporting false when the bucket is empty.
func (l *rateLimiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[key]
	if b == nil {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	b.tokens += now.Sub(b.last).Seconds() * l.rate
	if b.tokens > l.burst {
		b.tokens = l.burst
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// forget drops the bucket of a disconnected peer so the map stays bounded
// by the number of connected peers.
func (l *rateLimiter) forget(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.buckets, key)
}
