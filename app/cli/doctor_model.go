package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/swarmdesk/swarmdesk/app/env"
	"github.com/swarmdesk/swarmdesk/app/models"
)

// The model section of `swarmdesk doctor`: which model the node will train and where it comes
// from, and the models the Hugging Face cache already holds (the other choices that need no
// download).
func init() {
	registerDoctorSection(doctorSection{order: 30, title: "The model", report: reportModel})
}

func reportModel(e *env.Setup, w io.Writer) error {
	name := e.Config.Model.Name
	cache := models.FromEnv(os.Getenv, e.Dirs.Cache, false).CacheDir
	switch fi, err := os.Stat(name); {
	case models.IsDemo(name):
		fmt.Fprintf(w, "  model.name  %s: the built-in demo model (no download; made in %s on first use)\n", name, e.Dirs.Cache)
		fmt.Fprintln(w, "              for a real model: swarmdesk config set model.name Qwen/Qwen2.5-0.5B-Instruct")
	case err == nil && fi.IsDir():
		fmt.Fprintf(w, "  model.name  %s: a model folder\n", name)
		if err := models.CheckFolder(name); err != nil {
			fmt.Fprintf(w, "  problem     %v\n", err)
		}
	default:
		fmt.Fprintf(w, "  model.name  %s: a Hugging Face model, downloaded into the cache on the first start\n", name)
	}
	cached, err := models.ScanCache(cache)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  hf cache    %s: %d usable model(s)\n", cache, len(cached))
	for _, c := range cached {
		fmt.Fprintf(w, "              %s (%.2f GB)\n", c.ID, float64(c.Bytes)/1e9)
	}
	return nil
}
