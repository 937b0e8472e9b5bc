package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/swarmdesk/swarmdesk/app/env"
	"github.com/swarmdesk/swarmdesk/app/node"
	"github.com/swarmdesk/swarmdesk/platform"
)

func init() {
	registerDoctorSection(doctorSection{order: 40, title: "Checkpoints and disk", report: reportCheckpoints})
}

// reportCheckpoints says what the node's checkpoints take and cost the disk: each model's
// checkpoint folder (newest complete step, size, leftovers of an interrupted write), the free
// space, and the writes of the last day from the round log.
func reportCheckpoints(e *env.Setup, w io.Writer) error {
	nodeDir := filepath.Join(e.Dirs.Data, "node")
	root := filepath.Join(nodeDir, "checkpoints")
	models, err := os.ReadDir(root)
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("read %s: %w", root, err)
	}
	if len(models) == 0 {
		fmt.Fprintf(w, "  no checkpoints yet (%s)\n", root)
	}
	for _, m := range models {
		if !m.IsDir() {
			continue
		}
		dir := filepath.Join(root, m.Name())
		latest, _ := os.ReadFile(filepath.Join(dir, "latest"))
		left, _ := filepath.Glob(filepath.Join(dir, ".tmp-*"))
		line := fmt.Sprintf("  %s: newest %s, %s on disk", m.Name(), strings.TrimSpace(string(latest)), sizeText(node.DirBytes(dir)))
		if len(left) > 0 {
			line += fmt.Sprintf(" (%d interrupted write(s), removed when the node starts)", len(left))
		}
		fmt.Fprintln(w, line)
	}
	if free, ok := platform.DiskFree(e.Dirs.Data); ok {
		fmt.Fprintf(w, "  free on the data disk: %s\n", sizeText(int64(free)))
	}
	rounds, _, err := node.ReadRounds(filepath.Join(nodeDir, node.RoundsFile))
	if err == nil && len(rounds) > 0 {
		fmt.Fprintf(w, "  written in the 24 h before the last round: %s\n", sizeText(rounds[len(rounds)-1].DiskWrittenPerDay))
	}
	return nil
}

func sizeText(b int64) string { return fmt.Sprintf("%.2f GB", float64(b)/1e9) }
