package cli

import (
	"fmt"
	"io"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/swarmdesk/swarmdesk/app/env"
	"github.com/swarmdesk/swarmdesk/app/version"
	"github.com/swarmdesk/swarmdesk/platform"
)

// doctorSection is one part of `swarmdesk doctor`'s report. Each area (devices, memory plan,
// network, ...) registers its own section from its own file with registerDoctorSection, so the
// command grows without one file knowing every area.
type doctorSection struct {
	// order sorts the sections; lower first. The machine section is 0.
	order int
	title string
	// report writes the section's lines. An error is printed under the title and the report
	// goes on: doctor exists to explain problems, so one broken area must not hide the others.
	report func(e *env.Setup, w io.Writer) error
}

var doctorSections []doctorSection

func registerDoctorSection(s doctorSection) {
	i := len(doctorSections)
	for i > 0 && doctorSections[i-1].order > s.order {
		i--
	}
	doctorSections = append(doctorSections, doctorSection{})
	copy(doctorSections[i+1:], doctorSections[i:])
	doctorSections[i] = s
}

func init() {
	registerDoctorSection(doctorSection{order: 0, title: "This computer", report: reportMachine})
}

func reportMachine(e *env.Setup, w io.Writer) error {
	fmt.Fprintf(w, "  swarmdesk   %s\n", version.String())
	fmt.Fprintf(w, "  system      %s/%s, %d CPU threads\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	if m := platform.TotalMemory(); m > 0 {
		fmt.Fprintf(w, "  memory      %.1f GiB\n", float64(m)/(1<<30))
	} else {
		fmt.Fprintln(w, "  memory      unknown (the operating system did not say)")
	}
	fmt.Fprintf(w, "  config      %s\n", e.ConfigPath)
	fmt.Fprintf(w, "  data        %s\n", e.Dirs.Data)
	return nil
}

func newDoctorCmd(g *globals, o Options) *cobra.Command {
	return &cobra.Command{
		Use:   "doctor",
		Short: "Check this computer: devices, memory and what swarmdesk will use",
		Long: `doctor reports what swarmdesk finds on this computer and what it will do with it: the
machine, each compute device and why any was skipped, and the memory plan for the configured
model. It changes nothing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, err := loadEnv(g, o)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			for i, s := range doctorSections {
				if i > 0 {
					fmt.Fprintln(w)
				}
				fmt.Fprintln(w, s.title)
				if err := s.report(e, w); err != nil {
					fmt.Fprintf(w, "  problem: %v\n", err)
				}
			}
			return nil
		},
	}
}
