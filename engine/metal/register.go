package metal

import "github.com/swarmdesk/swarmdesk/engine/backend"

// The registry probes Metal after CUDA and before Vulkan (on a Mac, Vulkan
// would be MoltenVK over the same GPU). Off macOS the probe says why Metal
// is absent, so doctor can show it.
func init() { backend.Register("metal", ProbeDevices, openDevice) }
