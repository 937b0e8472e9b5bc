package qwen2

import (
	"fmt"

	"github.com/swarmdesk/swarmdesk/engine/backend"
	"github.com/swarmdesk/swarmdesk/engine/backend/host"
)

// The model runs on a backend.Backend: a new model uses its own CPU backend
// (engine/backend/host), whose views wrap Params in place, so the weights
// exist once and an optimizer updating Params.F32 updates the model.
// UseBackend moves the inference forward pass to another device by copying
// the weights there once.
//
// Training (TrainForward, Backward) runs its ops on the CPU backend over the
// host Params, whatever backend the forward pass uses: the trainer's
// gradient and optimizer state are Go slices today. So a node can roll out
// on a GPU and train on the CPU; after weights change in place (an
// optimizer step, a restored checkpoint) WeightsChanged makes the next
// forward pass copy them to the device again. LoRA adapters run on the CPU
// backend only.

// paramViews returns Params.F32 and Params.BF16 as views on m.be: the slices
// themselves on the CPU, device copies elsewhere.
func (m *Model) paramViews() [2]backend.View {
	p := m.Params
	if _, ok := m.be.(*host.Backend); ok || m.be == nil {
		return [2]backend.View{host.Wrap(p.F32), host.WrapBF16(p.BF16)}
	}
	return [2]backend.View{backend.Whole(m.dev[0]), backend.Whole(m.dev[1])}
}

// UseBackend moves the model's forward pass to be, copying the weights
// there (nothing is copied for a CPU backend). On an error the model stays
// on its previous backend. Caches made before must not be used afterwards.
func (m *Model) UseBackend(be backend.Backend) error {
	if _, ok := be.(*host.Backend); ok {
		m.releaseDevice()
		m.be = be
		m.bind()
		return nil
	}
	if m.lora != nil {
		return fmt.Errorf("use %s: LoRA adapters run on the CPU only for now; disable LoRA or use engine.device = cpu", be.Device())
	}
	var dev [2]backend.Buffer
	fail := func(err error) error {
		for _, b := range dev {
			if b != nil {
				be.Free(b)
			}
		}
		return fmt.Errorf("copy the weights to %s: %w", be.Device(), err)
	}
	for i, n := range []int{len(m.Params.F32), len(m.Params.BF16)} {
		dt := backend.F32
		if i == 1 {
			dt = backend.BF16
		}
		b, err := be.Alloc(dt, max(n, 1))
		if err != nil {
			return fail(err)
		}
		dev[i] = b
	}
	if err := uploadParams(be, dev, m.Params); err != nil {
		return fail(err)
	}
	m.releaseDevice()
	m.be, m.dev, m.stale = be, dev, false
	m.ws = workspace{}
	m.bind()
	return nil
}

// Backend is the backend the model's forward pass runs on.
func (m *Model) Backend() backend.Backend { return m.be }

// onHost reports whether the model runs on the CPU backend (training and
// LoRA need it).
func (m *Model) onHost() bool {
	_, ok := m.be.(*host.Backend)
	return ok
}

// releaseDevice frees the device copies of the weights and the workspace.
func (m *Model) releaseDevice() {
	for i, b := range m.dev {
		if b != nil {
			m.be.Free(b)
			m.dev[i] = nil
		}
	}
	m.ws.free(m.be)
}

// hostBackend is the CPU backend the training pass runs on: the model's own
// when it runs on the CPU, else a private one (for scoring with a reference
// model whose forward pass runs on a device).
func (m *Model) hostBackend() *host.Backend {
	if h, ok := m.be.(*host.Backend); ok {
		return h
	}
	m.spareMu.Lock()
	defer m.spareMu.Unlock()
	if m.cpu == nil {
		m.cpu = host.New()
	}
	return m.cpu
}

// uploadParams copies the host Params into the device buffers dev.
func uploadParams(be backend.Backend, dev [2]backend.Buffer, p *Params) error {
	if err := be.Upload(backend.Whole(dev[0]).Slice(0, len(p.F32)), p.F32); err != nil {
		return err
	}
	if err := be.UploadBF16(backend.Whole(dev[1]).Slice(0, len(p.BF16)), p.BF16); err != nil {
		return err
	}
	return be.Flush()
}

// WeightsChanged tells the model that Params were modified in place (an
// optimizer step, a restored checkpoint). On the CPU it costs nothing; on a
// device the next forward pass copies the weights there first.
func (m *Model) WeightsChanged() { m.stale = true }

// syncWeights re-copies stale weights to the device before a forward pass.
func (m *Model) syncWeights() error {
	if m.dev[0] == nil || !m.stale {
		return nil
	}
	if err := uploadParams(m.be, m.dev, m.Params); err != nil {
		return fmt.Errorf("copy the updated weights to %s: %w", m.be.Device(), err)
	}
	m.stale = false
	return nil
}
