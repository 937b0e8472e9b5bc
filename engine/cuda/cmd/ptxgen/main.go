// Command ptxgen compiles the CUDA kernels (engine/cuda/kernels/*.cu) to the
// PTX the engine embeds (engine/cuda/ptx), through NVRTC loaded at run time
// with purego, the same way the engine loads the driver: no CUDA toolkit,
// no cgo. Any NVRTC warning fails the run. kernels/build.sh wraps it.
//
//	go run ./engine/cuda/cmd/ptxgen -out engine/cuda/ptx
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/swarmdesk/swarmdesk/engine/cuda"
)

func main() {
	out := flag.String("out", "engine/cuda/ptx", "folder the .ptx files are written to")
	want := flag.String("want-nvrtc", "", "fail unless NVRTC is this version (major.minor): other versions write other bytes")
	flag.Parse()
	if err := run(*out, *want); err != nil {
		fmt.Fprintln(os.Stderr, "ptxgen:", err)
		os.Exit(1)
	}
}

func run(out, want string) error {
	n, err := cuda.OpenNVRTC()
	if err != nil {
		return err
	}
	if got := fmt.Sprintf("%d.%d", n.Major, n.Minor); want != "" && got != want {
		return fmt.Errorf("%s found, but the committed PTX comes from NVRTC %s (Debian's libnvrtc11.2); point SWARMDESK_NVRTC_LIB at it", n, want)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, m := range cuda.Modules {
		ptx, err := m.Compile(n)
		if err != nil {
			return err
		}
		p := filepath.Join(out, m.PTXFile())
		if err := os.WriteFile(p, ptx, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
	}
	fmt.Printf("ptxgen: %d modules compiled with %s\n", len(cuda.Modules), n)
	return nil
}
