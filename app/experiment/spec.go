// Package experiment measures whether sharing rollouts helps: it runs several real nodes (the
// round loop of app/node, libp2p on loopback, the embedded dev chain) on this computer for each
// mix of local and adopted question groups at the same number of trained groups per step —
// SAPO's I local / J external (arXiv 2509.08721) — over several seeds, and writes every node's
// reward per round (CSV), a summary (Markdown) and a plot (PNG).
//
// Each finished run (one mix, one seed) is kept in the output folder, so an experiment that
// was stopped picks up where it was and a rerun skips what is done.
package experiment

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Mixing is one configuration: per step a node trains on Local of its own question groups and
// Adopted groups from peers, each count in units of Options.Unit groups. The paper's are
// 8/0 (no sharing), 6/2, 4/4 and 2/6.
type Mixing struct{ Local, Adopted int }

// DefaultMixings are the SAPO paper's configurations.
var DefaultMixings = []Mixing{{8, 0}, {6, 2}, {4, 4}, {2, 6}}

// String is "6/2".
func (m Mixing) String() string { return fmt.Sprintf("%d/%d", m.Local, m.Adopted) }

// fileName is "6-2", for file names.
func (m Mixing) fileName() string { return fmt.Sprintf("%d-%d", m.Local, m.Adopted) }

// ParseMixings reads "8/0,4/4".
func ParseMixings(s string) ([]Mixing, error) {
	var out []Mixing
	seen := map[Mixing]bool{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		l, a, ok := strings.Cut(part, "/")
		li, err1 := strconv.Atoi(strings.TrimSpace(l))
		ai, err2 := strconv.Atoi(strings.TrimSpace(a))
		if !ok || err1 != nil || err2 != nil || li < 1 || ai < 0 {
			return nil, fmt.Errorf("configuration %q: want local/adopted, e.g. 4/4 (local at least 1: a node must answer questions to have a reward)", part)
		}
		m := Mixing{li, ai}
		if seen[m] {
			return nil, fmt.Errorf("configuration %s is listed twice", m)
		}
		seen[m] = true
		out = append(out, m)
	}
	if len(out) == 0 {
		return nil, errors.New("no configuration given; e.g. 8/0,4/4")
	}
	return out, nil
}

// Options is one experiment.
type Options struct {
	Out      string   // output folder (results, per-run files, logs)
	Nodes    int      // nodes per run [4]
	Mixings  []Mixing // configurations [DefaultMixings]
	Seeds    int      // seeds per configuration [3]
	Rounds   int      // rounds per run [30]
	Model    string   // model folder or Hugging Face id; "" or "demo" = the built-in demo model
	Tasks    string   // task mix (training.tasks syntax); "" = the demo's task, or every task for another model
	Unit     int      // question groups per unit of a Mixing; 0 = 4 for the demo (8 units = its 32 questions), else 1
	Answers  int      // answers per question (the GRPO group); 0 = 8 (the demo's and SAPO's)
	CacheDir string   // where the demo model is made (the app's cache folder)
	HFCache  string   // Hugging Face cache for other models
	Offline  bool     // do not download models
	// Progress receives one line per finished round and per run; nil discards.
	Progress func(string)
}

func (o Options) withDefaults() Options {
	if o.Nodes <= 0 {
		o.Nodes = 4
	}
	if len(o.Mixings) == 0 {
		o.Mixings = DefaultMixings
	}
	if o.Seeds <= 0 {
		o.Seeds = 3
	}
	if o.Rounds <= 0 {
		o.Rounds = 30
	}
	if o.Answers <= 0 {
		o.Answers = 8
	}
	if o.Unit <= 0 {
		o.Unit = 1
		if isDemo(o.Model) {
			o.Unit = 4
		}
	}
	if o.Progress == nil {
		o.Progress = func(string) {}
	}
	return o
}

func (o Options) validate() error {
	switch {
	case o.Out == "":
		return errors.New("experiment: no output folder")
	case o.Nodes < 2:
		return fmt.Errorf("experiment: %d nodes; sharing needs at least 2", o.Nodes)
	case o.Answers < 2:
		return fmt.Errorf("experiment: %d answers per question; GRPO needs at least 2", o.Answers)
	}
	return nil
}

// run is one (configuration, seed) pair.
type run struct {
	Mix  Mixing
	Seed int
}

func (r run) key() string { return fmt.Sprintf("%s_seed%d", r.Mix.fileName(), r.Seed) }
