package soak

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"time"
)

// promCounters are the swarm counters of one node's life, from its Prometheus endpoint.
type promCounters struct {
	published, accepted, duplicates float64
	dropped                         map[string]float64 // by reason
	pending                         float64
}

var promLine = regexp.MustCompile(`^(swarmdesk_[a-z_]+)(?:\{reason="([^"]*)"\})? ([0-9.eE+-]+)$`)

func scrapeOnce(port int) (promCounters, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d/metrics", port), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return promCounters{}, err
	}
	defer resp.Body.Close()
	pc := promCounters{dropped: map[string]float64{}}
	sc := bufio.NewScanner(resp.Body)
	seen := false
	for sc.Scan() {
		m := promLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		v, _ := strconv.ParseFloat(m[3], 64)
		switch m[1] {
		case "swarmdesk_swarm_published_total":
			pc.published, seen = v, true
		case "swarmdesk_swarm_accepted_total":
			pc.accepted = v
		case "swarmdesk_swarm_duplicates_total":
			pc.duplicates = v
		case "swarmdesk_swarm_dropped_total":
			pc.dropped[m[2]] = v
		case "swarmdesk_pending_submissions":
			pc.pending = v
		}
	}
	if err := sc.Err(); err != nil {
		return promCounters{}, err
	}
	if !seen {
		return promCounters{}, fmt.Errorf("no swarm counters yet")
	}
	return pc, nil
}

// scrape keeps the last counters of every node's current life (a kill loses at most the
// last half second of them).
func (s *soak) scrape(ctx context.Context) {
	for ctx.Err() == nil {
		for _, n := range s.nodes {
			n.lifeMu.Lock()
			i, l := len(n.lives)-1, n.lives[len(n.lives)-1]
			n.lifeMu.Unlock()
			if !l.alive() {
				continue
			}
			pc, err := scrapeOnce(n.promPort)
			if err != nil {
				continue
			}
			n.lifeMu.Lock()
			if i < len(n.prom) {
				n.prom[i] = pc
			}
			n.lifeMu.Unlock()
		}
		select {
		case <-ctx.Done():
		case <-time.After(500 * time.Millisecond):
		}
	}
}
