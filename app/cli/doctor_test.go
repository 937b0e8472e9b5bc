package cli

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/swarmdesk/swarmdesk/app/env"
)

func TestDoctorSectionsSortedByOrder(t *testing.T) {
	saved := slices.Clone(doctorSections)
	defer func() { doctorSections = saved }()
	doctorSections = nil
	for _, o := range []int{20, 0, 10, 20, 5} {
		registerDoctorSection(doctorSection{order: o})
	}
	var got []int
	for _, s := range doctorSections {
		got = append(got, s.order)
	}
	want := []int{0, 5, 10, 20, 20}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("orders %v, want %v", got, want)
		}
	}
}

func TestDoctorReportsMachineAndGoesOnAfterAProblem(t *testing.T) {
	saved := slices.Clone(doctorSections)
	defer func() { doctorSections = saved }()
	registerDoctorSection(doctorSection{order: 1, title: "Broken area", report: func(*env.Setup, io.Writer) error {
		return errTest
	}})
	registerDoctorSection(doctorSection{order: 2, title: "Later area", report: func(_ *env.Setup, w io.Writer) error {
		_, err := io.WriteString(w, "  fine\n")
		return err
	}})
	var out bytes.Buffer
	home := t.TempDir()
	code := Execute(Options{Stdout: &out, Stderr: &out, Getenv: func(k string) string {
		if k == "SWARMDESK_HOME" {
			return home
		}
		return ""
	}}, []string{"doctor"})
	if code != 0 {
		t.Fatalf("doctor exit %d: %s", code, out.String())
	}
	s := out.String()
	for _, want := range []string{"This computer", "CPU threads", "Broken area", "problem: test problem", "Later area", "fine"} {
		if !strings.Contains(s, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, s)
		}
	}
}

type testErr string

func (e testErr) Error() string { return string(e) }

const errTest = testErr("test problem")
