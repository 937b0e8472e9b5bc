package session

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/swarmdesk/swarmdesk/platform"
)

// StateFile holds the first-run choice and the training switch, in the data folder.
const StateFile = "session.json"

// maxStateBytes bounds session.json: it holds one invite and two small fields.
const maxStateBytes = 64 << 10

// savedState is session.json.
type savedState struct {
	Mode   Mode    `json:"mode,omitempty"`
	Invite *Invite `json:"invite,omitempty"`
	// TrainingOn is the dashboard's switch; nil (never touched) means on.
	TrainingOn *bool `json:"training_on,omitempty"`
}

func (st savedState) choice() Choice {
	c := Choice{Mode: st.Mode}
	if st.Invite != nil {
		inv := *st.Invite
		inv.Bootnodes = append([]string(nil), inv.Bootnodes...)
		c.Invite = &inv
	}
	return c
}

func (st savedState) training() bool { return st.TrainingOn == nil || *st.TrainingOn }

func (s *Session) statePath() string { return filepath.Join(s.env.Dirs.Data, StateFile) }

// loadState reads session.json; ok is true when it holds a valid choice. A missing file is a
// first run; a damaged one is reported and treated as one, keeping the training switch if it
// was readable.
func loadState(path string) (savedState, bool, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return savedState{}, false, nil
	}
	if err != nil {
		return savedState{}, false, fmt.Errorf("read %s: %w", path, err)
	}
	if len(b) > maxStateBytes {
		return savedState{}, false, fmt.Errorf("%s is %d bytes, not a swarmdesk session file", path, len(b))
	}
	var st savedState
	if err := json.Unmarshal(b, &st); err != nil {
		return savedState{}, false, fmt.Errorf("%s: %w", path, err)
	}
	if err := (Choice{Mode: st.Mode, Invite: st.Invite}).validate(); err != nil {
		return savedState{TrainingOn: st.TrainingOn}, false, fmt.Errorf("%s: %w", path, err)
	}
	return st, st.Mode != "", nil
}

// saveState replaces session.json atomically, so a crash leaves the old choice or the new one.
func saveState(path string, st savedState) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	if err := platform.WriteFileAtomic(path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("save the session (%s): %w; check the data folder is writable", path, err)
	}
	return nil
}

// validate checks a choice before it is saved or used.
func (c Choice) validate() error {
	switch c.Mode {
	case "":
		return nil
	case ModeLocal, ModeHost, ModeGensyn:
		return nil
	case ModeJoin:
		if c.Invite == nil {
			return errors.New("joining a swarm needs the host's invite: paste it first")
		}
		return c.Invite.Validate()
	}
	return fmt.Errorf("unknown mode %q: choose join, host, local or gensyn", c.Mode)
}
