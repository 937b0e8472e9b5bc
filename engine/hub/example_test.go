package hub_test

import (
	"context"
	"fmt"
	"log"

	"github.com/swarmdesk/swarmdesk/engine/hub"
)

// Example shows the typical app flow: download (or reuse) a model with a
// progress bar, then hand the snapshot directory to the loaders. It is not
// run by go test because it needs the network.
func Example() {
	dir, err := hub.Download(context.Background(), "Qwen/Qwen2.5-0.5B-Instruct", hub.Options{
		Progress: func(p hub.Progress) {
			fmt.Printf("\r[%d/%d] %s %d/%d", p.FileIndex+1, p.FileCount, p.File, p.Done, p.Total)
		},
	})
	if err != nil {
		log.Fatal(err) // errors.Is(err, hub.ErrAuth) → ask the user for a token
	}
	fmt.Println("\nmodel at", dir) // pass to safetensors.Open(dir)
}
