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
// Training (TrainForward, Backward) runs on the CPU backend over the host
// Params by default, whatever backend the forward pass uses; after weights
// change in place there (an optimizer step, a restored checkpoint)
// WeightsChanged makes the next forward pass copy them to the device again.
// SetDeviceTraining(true) moves training onto the device instead: the tape,
// the gradient (the trainer's) and the optimizer (the trainer's) live there
// and the device's F32 weights are the master copy, updated in place, so
// nothing goes back and forth per step; the host Params are then behind
// until SyncToHost (a checkpoint) downloads them. LoRA adapters run on the
// CPU backend only.

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
	if err := m.SyncToHost(); err != nil {
		return fmt.Errorf("use %s: %w", be.Device(), err)
	}
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
// Device training ends with them.
func (m *Model) releaseDevice() {
	m.ReleaseTrainingMemory()
	m.devTrain, m.hostStale = false, false
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
// They are then the newest weights, whatever training on the device did
// before.
func (m *Model) WeightsChanged() { m.stale, m.hostStale = true, false }

// SetDeviceTraining moves training (TrainForward, Backward, the reference
// pass) onto the model's device, or back to the CPU backend. It needs a
// device (UseBackend), float32 weights and no LoRA adapters. Turning it off
// first brings the host weights up to date.
func (m *Model) SetDeviceTraining(on bool) error {
	if !on {
		if err := m.SyncToHost(); err != nil {
			return err
		}
		m.ReleaseTrainingMemory()
		m.devTrain = false
		return nil
	}
	switch {
	case m.onHost() || m.dev[0] == nil:
		return fmt.Errorf("train on the device: the model runs on the CPU; move it to a device first")
	case m.lora != nil:
		return fmt.Errorf("train on the device: LoRA adapters train on the CPU only for now")
	case m.DType != F32:
		return fmt.Errorf("train on the device: model weights are %v; load the model with F32 weights to train", m.DType)
	}
	m.devTrain = true
	return nil
}

// DeviceTraining reports whether training runs on the model's device.
func (m *Model) DeviceTraining() bool { return m.devTrain }

// DeviceParams is the F32 master weights on the device (the layout of
// Params.F32 and of Trainable()), for an optimizer that updates them in
// place; it is valid while device training is on. After changing them call
// DeviceWeightsChanged.
func (m *Model) DeviceParams() backend.View { return m.pv[0].Slice(0, len(m.Params.F32)) }

// DeviceWeightsChanged tells the model that its device weights were updated
// in place (an optimizer step on the device): the host Params are behind
// until SyncToHost.
func (m *Model) DeviceWeightsChanged() { m.hostStale = true }

// SyncToHost downloads the device weights into Params when training on the
// device changed them (a checkpoint, moving back to the CPU). It costs
// nothing when the host copy is current.
func (m *Model) SyncToHost() error {
	if !m.hostStale || m.dev[0] == nil {
		return nil
	}
	if err := m.be.Download(m.Params.F32, m.DeviceParams()); err != nil {
		return fmt.Errorf("copy the trained weights from %s: %w", m.be.Device(), err)
	}
	m.hostStale = false
	return nil
}

// trainBackend is where the training pass runs: the device when device
// training is on, else the CPU.
func (m *Model) trainBackend() backend.Backend {
	if m.devTrain {
		return m.be
	}
	return m.hostBackend()
}

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
