package play

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/app/blockassist/assist"
	"github.com/swarmdesk/swarmdesk/app/blockassist/goals"
)

func newTestMode(t *testing.T) (*Mode, []string) {
	t.Helper()
	m := NewMode(t.TempDir())
	m.Rand = rand.New(rand.NewPCG(1, 2))
	labels, recoverErr, err := m.Open()
	if err != nil || recoverErr != nil {
		t.Fatalf("open: %v, recover: %v", err, recoverErr)
	}
	if len(labels) == 0 {
		t.Fatal("the embedded catalog has no goals")
	}
	return m, labels
}

// A picker's label finds its goal again; an unknown label falls back to one of the catalog's.
func TestGoalByLabel(t *testing.T) {
	m, labels := newTestMode(t)
	for _, l := range labels {
		if g := m.Goal(l); g == nil || GoalLabel(g) != l {
			t.Fatalf("label %q gives %v", l, g)
		}
	}
	g := m.Goal("no such goal")
	if g == nil || !strings.Contains(strings.Join(labels, "\n"), GoalLabel(g)) {
		t.Fatalf("unknown label gives %v, want a catalog goal", g)
	}
	if (&Mode{}).Goal(labels[0]) != nil {
		t.Fatal("a mode without a catalog returned a goal")
	}
}

// Start says who helps: nobody, the built-in inference when no goal model was trained, or the
// trained model mixed with the inference.
func TestStartSaysWhoHelps(t *testing.T) {
	cases := []struct {
		name      string
		assistant bool
		load      func(string) (assist.Predictor, error)
		want      string
	}{
		{"alone", false, nil, "You build alone."},
		{"no trained model", true, func(string) (assist.Predictor, error) { return nil, errors.New("none") }, "built-in goal inference"},
		{"trained model", true, func(string) (assist.Predictor, error) {
			cat, err := goals.Embedded()
			if err != nil {
				return nil, err
			}
			return assist.NewInference(cat.Goals), nil
		}, "your trained model"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, labels := newTestMode(t)
			if c.load != nil {
				m.LoadNet = c.load
			}
			st, err := m.Start(labels[0], c.assistant)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(st.About, c.want) || !strings.Contains(st.About, labels[0]) {
				t.Fatalf("about %q, want the goal and %q", st.About, c.want)
			}
			if st.Session == nil {
				t.Fatal("no session")
			}
			if _, err := st.Stop(); err != nil {
				t.Fatalf("stop: %v", err)
			}
		})
	}
}

func TestStartWithoutCatalogFails(t *testing.T) {
	if _, err := NewMode(t.TempDir()).Start("x", false); err == nil || !strings.Contains(err.Error(), "catalog") {
		t.Fatalf("start without a catalog: %v", err)
	}
}
