// Command gengoals writes the BlockAssist goal catalog to assets/goals as
// .goal text files. The output is deterministic, so re-running it is a no-op
// unless the generator changed; commit its output.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/swarmdesk/swarmdesk/app/blockassist/goals"
)

func main() {
	out := flag.String("out", "assets/goals", "directory to write *.goal files into")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gengoals:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	list, err := goals.Generate()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	for _, s := range list {
		path := filepath.Join(dir, s.ID+".goal")
		if err := os.WriteFile(path, goals.Encode(s), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		fmt.Printf("%-18s %-5s %-6s %dx%dx%d changes=%d\n", s.ID, s.Split, s.Difficulty, s.Size.X, s.Size.Y, s.Size.Z, s.Changes())
	}
	return nil
}
