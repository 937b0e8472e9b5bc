package assist

import (
	"math"

	"github.com/swarmdesk/swarmdesk/app/blockassist/goals"
	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// CatalogPosterior is the library posterior over known goals: every
// structure of the catalog in every placement that fits, deduplicated.
// Each human action multiplies a hypothesis' weight by a noisy-rational
// likelihood: (1−ε) when the action moves that goal closer, ε otherwise.
type CatalogPosterior struct {
	Hyps    []world.Grid
	Names   []string
	LogW    []float64
	Epsilon float64
}

// NewCatalogPosterior enumerates the hypotheses for the given structures
// (usually the train split; held-out goals must not leak in).
func NewCatalogPosterior(structs []*goals.Structure) *CatalogPosterior {
	c := &CatalogPosterior{Epsilon: 0.05}
	seen := map[world.Grid]bool{}
	for _, s := range structs {
		for _, p := range goals.Placements(s) {
			g, err := goals.Place(s, p)
			if err != nil || seen[g] {
				continue
			}
			seen[g] = true
			c.Hyps = append(c.Hyps, g)
			c.Names = append(c.Names, s.ID+" "+p.String())
		}
	}
	c.LogW = make([]float64, len(c.Hyps))
	return c
}

// eventFits reports whether the event moves goal g closer at its voxel.
func eventFits(g *world.Grid, e Event) bool {
	v := e.Action.Voxel
	switch e.Action.Type {
	case world.Place:
		return g[v] == e.Action.Block
	case world.Break:
		return g[v] != e.Prev
	}
	return true
}

// Observe updates every hypothesis with one human action.
func (c *CatalogPosterior) Observe(e Event) {
	hit, miss := math.Log(1-c.Epsilon), math.Log(c.Epsilon)
	for i := range c.Hyps {
		if eventFits(&c.Hyps[i], e) {
			c.LogW[i] += hit
		} else {
			c.LogW[i] += miss
		}
	}
}

// MaxLogWeight is the best hypothesis' log weight (−Inf when empty).
func (c *CatalogPosterior) MaxLogWeight() float64 {
	m := math.Inf(-1)
	for _, w := range c.LogW {
		m = max(m, w)
	}
	return m
}

// addMarginals adds scale × the posterior-weighted goal mix to out, where
// the weights are exp(LogW − norm); it returns the total weight added.
// Hypotheses below e^-20 of the best are skipped to keep ticks cheap.
func (c *CatalogPosterior) addMarginals(out *Marginals, norm float64) float64 {
	total := 0.0
	for i := range c.Hyps {
		d := c.LogW[i] - norm
		if d < -20 {
			continue
		}
		w := math.Exp(d)
		total += w
		h := &c.Hyps[i]
		for v := range h {
			out[v][h[v]] += w
		}
	}
	return total
}
