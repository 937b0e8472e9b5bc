package tasks

import (
	"fmt"
	"regexp"
	"sort"
	"sync"
)

// The registry maps task names to tasks. Built-in tasks add themselves from init(); a task added
// later (a code task with a local judge) does the same from its own file or package.
var (
	regMu    sync.RWMutex
	registry = map[string]Task{}
)

var nameRe = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,39}$`)

// Register adds t to the registry; it is meant to be called from init(). A nil task, a name a mix
// setting could not spell, or a name already taken is ignored (the first registration wins, so a
// plug-in cannot silently replace a built-in verifier); call TryRegister to see why.
func Register(t Task) { _ = TryRegister(t) }

// TryRegister is Register that says why a task was refused.
func TryRegister(t Task) error {
	if t == nil {
		return fmt.Errorf("tasks: register: nil task")
	}
	name := t.Name()
	if !nameRe.MatchString(name) {
		return fmt.Errorf("tasks: register %q: name must match %s", name, nameRe)
	}
	regMu.Lock()
	defer regMu.Unlock()
	if _, dup := registry[name]; dup {
		return fmt.Errorf("tasks: register %q: name already registered", name)
	}
	registry[name] = t
	return nil
}

// Names lists the registered task names, sorted, so every caller (settings UI, Draw) sees one order.
func Names() []string {
	regMu.RLock()
	defer regMu.RUnlock()
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Get returns the task registered under name.
func Get(name string) (Task, bool) {
	regMu.RLock()
	defer regMu.RUnlock()
	t, ok := registry[name]
	return t, ok
}
