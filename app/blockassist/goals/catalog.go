package goals

import (
	"fmt"
	"io/fs"
	"path"
	"sort"

	goalassets "github.com/swarmdesk/swarmdesk/assets/goals"
)

// Catalog is the set of goal structures, sorted by ID so that indices are
// stable across runs (sessions record the ID, assistants index by position).
type Catalog struct {
	Goals []*Structure
}

// Load reads every *.goal file at the root of fsys.
func Load(fsys fs.FS) (*Catalog, error) {
	names, err := fs.Glob(fsys, "*.goal")
	if err != nil {
		return nil, fmt.Errorf("list goals: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no *.goal files found: run `go run ./app/blockassist/cmd/gengoals`")
	}
	c := &Catalog{}
	ids := map[string]string{}
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, fmt.Errorf("read goal %s: %w", n, err)
		}
		s, err := Decode(data)
		if err != nil {
			return nil, fmt.Errorf("decode goal %s: %w", n, err)
		}
		if prev, dup := ids[s.ID]; dup {
			return nil, fmt.Errorf("goal id %s defined twice (%s and %s)", s.ID, prev, n)
		}
		if want := s.ID + ".goal"; path.Base(n) != want {
			return nil, fmt.Errorf("goal file %s holds id %s: rename it to %s", n, s.ID, want)
		}
		ids[s.ID] = n
		c.Goals = append(c.Goals, s)
	}
	sort.Slice(c.Goals, func(i, j int) bool { return c.Goals[i].ID < c.Goals[j].ID })
	return c, nil
}

// Embedded loads the catalog compiled into the binary from assets/goals.
func Embedded() (*Catalog, error) {
	c, err := Load(goalassets.FS)
	if err != nil {
		return nil, fmt.Errorf("embedded goal catalog: %w", err)
	}
	return c, nil
}

// Get returns the goal with the given ID.
func (c *Catalog) Get(id string) (*Structure, error) {
	for _, s := range c.Goals {
		if s.ID == id {
			return s, nil
		}
	}
	return nil, fmt.Errorf("goal %q not in catalog (%d goals)", id, len(c.Goals))
}

// Subset returns the goals of one split, in catalog order.
func (c *Catalog) Subset(split Split) []*Structure {
	var out []*Structure
	for _, s := range c.Goals {
		if s.Split == split {
			out = append(out, s)
		}
	}
	return out
}
