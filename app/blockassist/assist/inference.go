package assist

import (
	"math"

	"github.com/swarmdesk/swarmdesk/app/blockassist/goals"
	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
)

// Inference is the default Predictor: a Bayesian mixture of the catalog
// posterior and one extra "unknown goal" hypothesis. The unknown hypothesis
// explains every action with a generic likelihood (instead of 1−ε or ε)
// (see genericLik) so it wins as soon as no catalog goal fits the human's
// actions clearly better than generic building habits do; its
// prediction is the Heuristic model where a rule fires and "the world stays
// as it is" elsewhere.
type Inference struct {
	Catalog    *CatalogPosterior
	Heuristic  *Heuristic
	UnknownLik float64
	unknownLog float64
	// StatusQuo is the probability the unknown hypothesis gives the current
	// block of a voxel no rule covers.
	StatusQuo float64
	// SameMaterialLik and OtherMaterialLik are the unknown hypothesis'
	// likelihoods of a place with the previous material or another one.
	SameMaterialLik, OtherMaterialLik float64
	lastRules                         map[int]guess
	lastPlaced                        world.Block
}

// NewInference builds the default predictor over the given structures.
func NewInference(structs []*goals.Structure) *Inference {
	c := NewCatalogPosterior(structs)
	return &Inference{
		Catalog: c, Heuristic: NewHeuristic(), UnknownLik: 0.9, StatusQuo: 0.95,
		SameMaterialLik: 0.8, OtherMaterialLik: 0.1,
		// Prior: the unknown goal is as likely as the whole catalog.
		unknownLog: math.Log(float64(max(1, len(c.Hyps)))),
	}
}

// Observe implements Predictor. The unknown hypothesis explains the event
// with UnknownLik, or better when a heuristic rule predicted it (rules from
// the last Predict, which ran before the event): a regular house the rules
// follow keeps the unknown hypothesis alive even when a catalog house
// happens to agree with the first few actions.
func (in *Inference) Observe(e Event) {
	in.Catalog.Observe(e)
	lik := in.genericLik(e)
	if g, ok := in.lastRules[e.Action.Voxel]; ok {
		fits := (e.Action.Type == world.Place && e.Action.Block == g.b) ||
			(e.Action.Type == world.Break && e.Prev != g.b)
		if fits {
			lik = max(lik, g.conf)
		}
	}
	in.Heuristic.Observe(e)
	in.unknownLog += math.Log(lik)
	if e.Action.Type == world.Place {
		in.lastPlaced = e.Action.Block
	}
}

// genericLik is how well "some house we have not seen" explains an event
// without any rule: people break what is wrong (UnknownLik) and keep
// building with the material they just used (SameMaterialLik), switching
// material rarely (OtherMaterialLik).
func (in *Inference) genericLik(e Event) float64 {
	if e.Action.Type != world.Place {
		return in.UnknownLik
	}
	if e.Action.Block == in.lastPlaced {
		return in.SameMaterialLik
	}
	return in.OtherMaterialLik
}

// UnknownProb is the posterior probability that the goal is not in the
// catalog.
func (in *Inference) UnknownProb() float64 {
	norm := max(in.Catalog.MaxLogWeight(), in.unknownLog)
	cat := 0.0
	for _, w := range in.Catalog.LogW {
		cat += math.Exp(w - norm)
	}
	u := math.Exp(in.unknownLog - norm)
	return u / (u + cat)
}

// Predict implements Predictor.
func (in *Inference) Predict(obs *Observation, out *Marginals) {
	*out = Marginals{}
	norm := max(in.Catalog.MaxLogWeight(), in.unknownLog)
	total := in.Catalog.addMarginals(out, norm)
	wu := math.Exp(in.unknownLog - norm)
	total += wu
	if wu > 0 {
		rules := in.Heuristic.predict(obs.Cur)
		in.lastRules = rules
		for v := range out {
			cur := obs.Cur[v]
			if g, ok := rules[v]; ok {
				out[v][g.b] += wu * g.conf
				out[v][cur] += wu * (1 - g.conf)
				continue
			}
			out[v][cur] += wu * in.StatusQuo
			rest := wu * (1 - in.StatusQuo) / (world.NumBlocks - 1)
			for b := range out[v] {
				if world.Block(b) != cur {
					out[v][b] += rest
				}
			}
		}
	}
	for v := range out {
		for b := range out[v] {
			out[v][b] /= total
		}
		// Corrections stick for every hypothesis: drop vetoed blocks and
		// renormalise.
		dropped := 0.0
		for b := range out[v] {
			if out[v][b] > 0 && in.Heuristic.Vetoed(v, world.Block(b)) {
				dropped += out[v][b]
				out[v][b] = 0
			}
		}
		if dropped > 0 && dropped < 1 {
			for b := range out[v] {
				out[v][b] /= 1 - dropped
			}
		}
	}
}
