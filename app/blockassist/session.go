package blockassist

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/swarmdesk/swarmdesk/app/blockassist/assist"
	"github.com/swarmdesk/swarmdesk/app/blockassist/goals"
	"github.com/swarmdesk/swarmdesk/app/blockassist/record"
	"github.com/swarmdesk/swarmdesk/app/blockassist/world"
	"github.com/swarmdesk/swarmdesk/platform"
)

// DefaultTickSeconds is MBAG's malmo action_delay: one env step per 0.8 s.
const DefaultTickSeconds = 0.8

// DefaultHorizon is MBAG's horizon with humans (10,000 steps ≈ 2.2 h).
const DefaultHorizon = 10000

// MaxQueued bounds the human input queue (MBAG human_action_queues) so a
// stuck key cannot grow memory without limit.
const MaxQueued = 64

// SessionFile is the recording's file name inside the session directory.
const SessionFile = "session.sdba"

// MetricsFile is written next to the recording when the session ends.
const MetricsFile = "metrics.json"

// Config sets up one session.
type Config struct {
	DataDir     string // sessions go to DataDir/sessions/<utc>_<goal>/
	Goal        *goals.Structure
	Placement   goals.Placement
	TickSeconds float64           // 0 = DefaultTickSeconds
	Horizon     int               // 0 = DefaultHorizon
	Assistant   *assist.Assistant // nil = build alone
	AppVersion  string
	Now         func() time.Time // nil = time.Now
}

// Summary is what the end path returns: where the recording is, why it
// ended and MBAG's metrics computed from the file itself.
type Summary struct {
	Dir     string
	Reason  record.EndReason
	Metrics *record.Metrics
}

// TickResult reports one tick to the UI.
type TickResult struct {
	Tick      int
	Human     world.StepResult
	Assistant *world.StepResult // nil when playing alone
	// AssistantState says what the assistant does or waits for (its Sentence is the window's
	// status line), so a player is not left guessing why it places nothing.
	AssistantState assist.State
	GoalPercent    float64
	Done           bool
}

// ErrQueueFull is returned by Queue when MaxQueued actions are waiting.
var ErrQueueFull = errors.New("input queue full: wait for the next tick")

// Session is one episode. Its methods are safe for concurrent use (a UI
// may call Stop while a ticker goroutine calls Tick).
type Session struct {
	mu      sync.Mutex
	cfg     Config
	env     *world.Episode
	w       *record.Writer
	dir     string
	start   time.Time
	queue   []world.Action
	summary *Summary
	endErr  error
}

// Start creates the world and the recording. The human is player 0 and sees
// the goal; the assistant, if any, is player 1 and does not.
func Start(cfg Config) (*Session, error) {
	if cfg.Goal == nil {
		return nil, errors.New("start session: no goal given")
	}
	if cfg.DataDir == "" {
		return nil, errors.New("start session: no data directory given")
	}
	if cfg.TickSeconds == 0 {
		cfg.TickSeconds = DefaultTickSeconds
	}
	if cfg.Horizon == 0 {
		cfg.Horizon = DefaultHorizon
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	goal, err := goals.Place(cfg.Goal, cfg.Placement)
	if err != nil {
		return nil, fmt.Errorf("start session: %w", err)
	}
	players := []record.Player{{Name: "human", Human: true, GoalVisible: true}}
	if cfg.Assistant != nil {
		players = append(players, record.Player{Name: "assistant"})
	}
	env, err := world.NewEpisode(goal, world.DefaultStarts(len(players)))
	if err != nil {
		return nil, fmt.Errorf("start session: %w", err)
	}
	now := cfg.Now()
	meta := record.NewMeta(cfg.Goal.ID, cfg.TickSeconds, players, now.UnixMilli())
	meta.GoalSplit, meta.Placement, meta.AppVersion = string(cfg.Goal.Split), cfg.Placement.String(), cfg.AppVersion
	if cfg.Assistant != nil {
		meta.Assistant = fmt.Sprintf("%T", cfg.Assistant.Pred)
	}
	dir := filepath.Join(cfg.DataDir, "sessions", now.UTC().Format("20060102T150405.000Z")+"_"+cfg.Goal.ID)
	w, err := record.Create(dir, SessionFile, meta, &env.Goal, &env.Cur, env.Players, cfg.Now)
	if err != nil {
		return nil, fmt.Errorf("start session: %w", err)
	}
	return &Session{cfg: cfg, env: env, w: w, dir: dir, start: now}, nil
}

// Dir is the session directory.
func (s *Session) Dir() string { return s.dir }

// Goal returns the goal grid (for the blueprint view; never give it to the
// assistant).
func (s *Session) Goal() world.Grid { return s.env.Goal }

// State returns a copy of the current world and player positions.
func (s *Session) State() (world.Grid, []world.Vec) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.env.Cur, append([]world.Vec(nil), s.env.Players...)
}

// Queue adds a human action for a coming tick; one queued action is applied
// per tick so fast clicks are not lost.
func (s *Session) Queue(a world.Action) error {
	if err := a.Validate(); err != nil {
		return fmt.Errorf("queue action: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.summary != nil {
		return nil // ended; input after the end is ignored
	}
	if len(s.queue) >= MaxQueued {
		return ErrQueueFull
	}
	s.queue = append(s.queue, a)
	return nil
}

// Tick advances the world by one step. When the step completes the goal or
// reaches the horizon it ends the session through the same path as Stop.
// Ticking an ended session does nothing and reports Done.
func (s *Session) Tick() (TickResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.summary != nil {
		return TickResult{Tick: s.env.Tick, GoalPercent: s.env.GoalPercent(), Done: true}, nil
	}
	acts := make([]world.Action, len(s.env.Players))
	if len(s.queue) > 0 {
		acts[0] = s.queue[0]
		s.queue = s.queue[1:]
	}
	a := s.cfg.Assistant
	if a != nil {
		obs := assist.Observation{Tick: s.env.Tick, Cur: &s.env.Cur, Players: s.env.Players, Self: 1,
			Humans: []int{0}, LastInteracted: &s.env.LastInteracted}
		acts[1] = a.Act(&obs)
	}
	prev := s.env.Cur
	tick := s.env.Tick
	res, err := s.env.Step(acts)
	if err != nil {
		return TickResult{}, fmt.Errorf("tick %d: %w", tick, err)
	}
	if h := res[0].Effective; a != nil && (h.Type == world.Place || h.Type == world.Break) {
		a.Observe(assist.Event{Tick: tick, Player: 0, Action: h, Prev: prev[h.Voxel]})
	}
	rec := record.Tick{Tick: uint32(tick), WallMs: s.cfg.Now().Sub(s.start).Milliseconds(), Similarity: int16(s.env.Similarity())}
	for p, r := range res {
		rec.Players = append(rec.Players, record.PlayerStep{Attempted: r.Attempted, Effective: r.Effective,
			Pos: s.env.Players[p], Reward: int8(r.Reward), Correct: r.Correct})
	}
	out := TickResult{Tick: tick, Human: res[0], GoalPercent: s.env.GoalPercent()}
	if a != nil {
		out.Assistant = &res[1]
		out.AssistantState = a.State()
	}
	if err := s.w.AppendTick(&rec); err != nil {
		// The recording is broken; end what we can so nothing hangs.
		s.finishLocked(record.EndStopped)
		return out, fmt.Errorf("tick %d: %w", tick, err)
	}
	switch {
	case s.env.Complete():
		s.finishLocked(record.EndCompleted)
	case s.env.Tick >= s.cfg.Horizon:
		s.finishLocked(record.EndHorizon)
	}
	out.Done = s.summary != nil
	return out, s.endErr
}

// Stop ends the session by hand. It is the same path completion takes, so
// stopping after the goal was completed simply returns that summary (the
// BlockAssist 100 % crash cannot happen here). It is idempotent.
func (s *Session) Stop() (*Summary, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.finishLocked(record.EndStopped)
	return s.summary, s.endErr
}

// Summary returns the end summary, or nil while running.
func (s *Session) Summary() *Summary {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.summary
}

// finishLocked is the single end path: End record, fsync, close, re-read the
// file, compute metrics from it, write metrics.json. Only the first call
// does anything.
func (s *Session) finishLocked(reason record.EndReason) {
	if s.summary != nil {
		return
	}
	s.summary = &Summary{Dir: s.dir, Reason: reason}
	end := record.End{Reason: reason, Tick: uint32(s.env.Tick), WallMs: s.cfg.Now().Sub(s.start).Milliseconds()}
	if err := s.w.End(end); err != nil && !errors.Is(err, record.ErrEnded) {
		s.endErr = fmt.Errorf("end session: %w", err)
		return
	}
	m, err := finalize(s.dir)
	if err != nil {
		s.endErr = fmt.Errorf("end session: %w", err)
		return
	}
	s.summary.Metrics = m
}

// finalize reads a session back (recovering a torn or unfinished file),
// computes its metrics and writes metrics.json atomically.
func finalize(dir string) (*record.Metrics, error) {
	sess, err := record.Recover(filepath.Join(dir, SessionFile))
	if err != nil {
		return nil, err
	}
	m, err := record.Compute(sess)
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode metrics: %w", err)
	}
	if err := platform.WriteFileAtomic(filepath.Join(dir, MetricsFile), b, 0o644); err != nil {
		return nil, fmt.Errorf("write metrics: %w", err)
	}
	return m, nil
}

// RecoverAll finalises every session under dataDir that has no metrics.json
// (the app crashed or lost power mid-session) and returns their directories.
// Call it at startup before training on recorded sessions.
func RecoverAll(dataDir string) ([]string, error) {
	dirs, err := filepath.Glob(filepath.Join(dataDir, "sessions", "*"))
	if err != nil {
		return nil, fmt.Errorf("recover sessions: %w", err)
	}
	var fixed []string
	var errs []error
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, MetricsFile)); err == nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(d, SessionFile)); err != nil {
			continue
		}
		if _, err := finalize(d); err != nil {
			errs = append(errs, fmt.Errorf("recover %s: %w", d, err))
			continue
		}
		fixed = append(fixed, d)
	}
	return fixed, errors.Join(errs...)
}

// Run ticks the session every TickSeconds until it ends or ctx is
// cancelled (which stops it through the normal end path). onTick, if not
// nil, sees every tick (call it to refresh the view).
func Run(ctx context.Context, s *Session, onTick func(TickResult)) (*Summary, error) {
	t := time.NewTicker(time.Duration(s.cfg.TickSeconds * float64(time.Second)))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return s.Stop()
		case <-t.C:
			r, err := s.Tick()
			if onTick != nil {
				onTick(r)
			}
			if err != nil {
				s.Stop()
				return s.Summary(), err
			}
			if r.Done {
				return s.Stop()
			}
		}
	}
}
