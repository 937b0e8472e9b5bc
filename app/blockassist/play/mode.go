// Package play is BlockAssist as the desktop window plays it (ui.BlockAssist): the goal catalog,
// starting a session with or without the assistant, the tick loop and training the assistant's
// goal model. It sits above blockassist and goalnet, which must not import each other's users.
package play

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/swarmdesk/swarmdesk/app/blockassist"
	"github.com/swarmdesk/swarmdesk/app/blockassist/assist"
	"github.com/swarmdesk/swarmdesk/app/blockassist/goalnet"
	"github.com/swarmdesk/swarmdesk/app/blockassist/goals"
)

// Mode is BlockAssist as the desktop window plays it: one data folder (the recorded sessions and
// the trained goal model), the goal catalog, starting a session with or without the assistant,
// the tick loop and training the assistant's goal model. The window only draws and forwards
// input; every decision about the game is made here.
type Mode struct {
	// Dir holds the sessions and the goal model (the app's data folder + "blockassist").
	Dir string
	// TickSeconds is the game tick; 0 = blockassist.DefaultTickSeconds.
	TickSeconds float64
	// Rand draws random goals and placements.
	Rand *rand.Rand
	// RunSession, TrainNet and LoadNet are blockassist.Run, goalnet.Train and loading the trained goal
	// model; tests replace them to play deterministic sessions and train fast.
	RunSession func(context.Context, *blockassist.Session, func(blockassist.TickResult)) (*blockassist.Summary, error)
	TrainNet   func(context.Context, string, goalnet.Options, func(goalnet.Progress)) (goalnet.Result, error)
	LoadNet    func(dir string) (assist.Predictor, error)

	cat *goals.Catalog
}

// NewMode is BlockAssist with its data in dir.
func NewMode(dir string) *Mode {
	return &Mode{
		Dir:        dir,
		Rand:       rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0x5eed)),
		RunSession: blockassist.Run,
		TrainNet:   goalnet.Train,
		LoadNet: func(dir string) (assist.Predictor, error) {
			n, err := goalnet.Load(dir)
			if err != nil {
				return nil, err
			}
			return n.Predictor(), nil
		},
	}
}

// Open reads the goal catalog and finalises sessions a crash left open (blockassist.RecoverAll), so
// training sees them. It returns the goals' labels for a picker (see GoalLabel); recoverErr
// says which interrupted sessions could not be recovered. Slow: call it off the UI goroutine.
func (m *Mode) Open() (labels []string, recoverErr, err error) {
	cat, err := goals.Embedded()
	_, recoverErr = blockassist.RecoverAll(m.Dir)
	if err != nil {
		return nil, recoverErr, err
	}
	return m.UseCatalog(cat), recoverErr, nil
}

// UseCatalog makes cat the goals to play (Open uses the embedded catalog) and returns their labels.
func (m *Mode) UseCatalog(cat *goals.Catalog) []string {
	m.cat = cat
	labels := make([]string, len(cat.Goals))
	for i, g := range cat.Goals {
		labels[i] = GoalLabel(g)
	}
	return labels
}

// GoalLabel is how a goal appears in a picker: its name and difficulty.
func GoalLabel(g *goals.Structure) string {
	name := g.Name
	if name == "" {
		name = g.ID
	}
	return fmt.Sprintf("%s (%s)", name, g.Difficulty)
}

// Goal is the goal with that label, or a random one when none has it; nil before a catalog
// with goals was read.
func (m *Mode) Goal(label string) *goals.Structure {
	if m.cat == nil || len(m.cat.Goals) == 0 {
		return nil
	}
	for _, g := range m.cat.Goals {
		if GoalLabel(g) == label {
			return g
		}
	}
	return m.cat.Goals[m.Rand.IntN(len(m.cat.Goals))]
}

// Started is a session that Start set up, with what the window says about it.
type Started struct {
	*blockassist.Session
	// About is a sentence naming the goal and who helps ("Building … The assistant uses …").
	About string
}

// Start sets up a session on the goal with that label (a random one when none has it) at a
// random placement, with the assistant when assistant is true: the trained goal model mixed
// with the catalog inference when there is one, else the inference alone. Slow: call it off
// the UI goroutine.
func (m *Mode) Start(label string, assistant bool) (Started, error) {
	g := m.Goal(label)
	if g == nil {
		return Started{}, fmt.Errorf("no goals to build: the goal catalog was not read")
	}
	cfg := blockassist.Config{DataDir: m.Dir, Goal: g, TickSeconds: m.TickSeconds}
	p, err := goals.RandomPlacement(g, m.Rand)
	if err != nil {
		return Started{}, err
	}
	who := "You build alone."
	if assistant {
		// The learned net shares the assistant with the catalog inference, which is sharper
		// on known houses; alone, the inference.
		pred, lerr := m.LoadNet(m.Dir)
		if lerr == nil {
			pred = goalnet.Mix(pred, assist.NewInference(m.cat.Goals), 0.5)
			who = "The assistant uses your trained model."
		} else {
			pred = assist.NewInference(m.cat.Goals)
			who = "The assistant uses built-in goal inference."
		}
		cfg.Assistant = assist.New(pred, assist.DefaultConfig())
	}
	cfg.Placement = p
	s, err := blockassist.Start(cfg)
	if err != nil {
		return Started{}, err
	}
	return Started{Session: s, About: fmt.Sprintf("Building %s. %s", GoalLabel(g), who)}, nil
}

// Run plays s until 100 %, the horizon or ctx ends it, calling onTick after every tick.
func (m *Mode) Run(ctx context.Context, s *blockassist.Session, onTick func(blockassist.TickResult)) (*blockassist.Summary, error) {
	return m.RunSession(ctx, s, onTick)
}

// Train trains the assistant's goal model on every recorded session; the next session uses it.
func (m *Mode) Train(ctx context.Context, progress func(goalnet.Progress)) (goalnet.Result, error) {
	return m.TrainNet(ctx, m.Dir, goalnet.Options{}, progress)
}
