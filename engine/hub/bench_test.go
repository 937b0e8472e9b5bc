package hub

import (
	"context"
	"math/rand"
	"testing"
)

// BenchmarkDownload measures end-to-end throughput of a fresh 32 MiB LFS
// download from a loopback fake hub: HTTP, disk writes, sha256 verification
// and cache linking. It bounds our overhead, not real network speed.
func BenchmarkDownload(b *testing.B) {
	h := newFakeHubB(b)
	weights := make([]byte, 32<<20)
	rand.New(rand.NewSource(1)).Read(weights)
	h.files["model.safetensors"] = weights
	b.SetBytes(int64(len(weights)))
	for i := 0; i < b.N; i++ {
		opt := testOptions(h, b.TempDir())
		opt.Allow = []string{"model.safetensors"}
		if _, err := Download(context.Background(), "Qwen/Qwen2-0.5B", opt); err != nil {
			b.Fatal(err)
		}
	}
}
