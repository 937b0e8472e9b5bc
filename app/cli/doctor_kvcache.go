package cli

import (
	"fmt"
	"io"

	"github.com/swarmdesk/swarmdesk/app/device"
	"github.com/swarmdesk/swarmdesk/app/env"
	"github.com/swarmdesk/swarmdesk/app/session"
	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/qwen2"
	"github.com/swarmdesk/swarmdesk/engine/train"
)

func init() {
	registerDoctorSection(doctorSection{order: 13, title: "KV cache", report: reportKVCache})
}

// reportKVCache says which type the model's KV caches get on the device
// engine.device picks (engine.kv_cache) and why, and what the device's
// memory plan counts per token for them. A GPU is opened only to ask what
// its backend offers (device.Describe).
func reportKVCache(e *env.Setup, w io.Writer) error {
	eng := e.Config.Engine
	ch, err := device.Describe(eng.Device, eng.KVCache)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  type      %s on %s:%d %s (engine.kv_cache = %s)\n", ch.KV.DType, ch.Device.Backend, ch.Device.Index, ch.Device.Name, eng.KVCache)
	fmt.Fprintf(w, "  why       %s\n", ch.KV.Reason)
	if ch.Fallback != "" {
		fmt.Fprintf(w, "  note      %s\n", ch.Fallback)
	}
	if ch.KV.Fallback != "" {
		fmt.Fprintf(w, "  note      %s\n", ch.KV.Fallback)
	}
	// The model's size per cached token, when its config.json is on this computer.
	if plan, err := session.New(e, session.Options{}).PlanOffline(); err == nil {
		fmt.Fprintf(w, "  plan      %s\n", kvPlanLine(plan.Shape.Model, ch.KV.DType))
	}
	return nil
}

// kvPlanLine says what the memory plan counts for one token of one
// answer's KV cache of type dt, and what the other type would take.
func kvPlanLine(c qwen2.Config, dt backend.DType) string {
	other := backend.F32
	if dt == backend.F32 {
		other = backend.BF16
	}
	return fmt.Sprintf("the memory plan counts %s KV caches: %s per token of each answer (%s would take %s)",
		dt, kib(qwen2.KVBytesPerToken(c, dt)), other, kib(qwen2.KVBytesPerToken(c, other)))
}

// kib prints a per-token size: bytes below 1 KiB, KiB below 1 MiB.
func kib(b int64) string {
	if b < 1<<10 {
		return fmt.Sprintf("%d bytes", b)
	}
	if b < 1<<20 {
		return fmt.Sprintf("%.1f KiB", float64(b)/(1<<10))
	}
	return train.FormatBytes(b)
}
