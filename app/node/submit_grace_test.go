package node

import (
	"context"
	"testing"
	"time"
)

// TestStopLetsSubmissionLand: a stop (Run's context cancelled) leaves a submission under way
// StopGrace to finish instead of cutting it, and still bounds it.
func TestStopLetsSubmissionLand(t *testing.T) {
	n := &Node{cfg: Config{SubmitTimeout: time.Minute, StopGrace: 300 * time.Millisecond}}
	run, stop := context.WithCancel(context.Background())
	sctx, cancel := n.submitContext(run)
	defer cancel()
	stop()
	select {
	case <-sctx.Done():
		t.Fatal("the stop cut the submission at once")
	case <-time.After(100 * time.Millisecond):
	}
	select {
	case <-sctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the submission was not cut after StopGrace")
	}

	// Finished before the stop: releasing it cancels it, and a later stop changes nothing.
	run2, stop2 := context.WithCancel(context.Background())
	sctx2, cancel2 := n.submitContext(run2)
	cancel2()
	if sctx2.Err() == nil {
		t.Fatal("cancel did not end the submission context")
	}
	stop2()

	// SubmitTimeout still bounds a submission when nobody stops.
	n.cfg.SubmitTimeout = 50 * time.Millisecond
	sctx3, cancel3 := n.submitContext(context.Background())
	defer cancel3()
	select {
	case <-sctx3.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("SubmitTimeout did not bound the submission")
	}
}
