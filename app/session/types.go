package session

import (
	"math/big"
	"time"
)

// Mode is how this computer takes part, chosen once on the first run.
type Mode string

// Modes.
const (
	// ModeJoin joins a swarm someone else hosts, from the Invite they copied.
	ModeJoin Mode = "join"
	// ModeHost hosts a swarm on this computer (dev chain, round timer, bootnode) and trains in it.
	ModeHost Mode = "host"
	// ModeLocal tries swarmdesk alone: a private dev chain on this computer, no peers needed.
	ModeLocal Mode = "local"
	// ModeGensyn joins Gensyn's public testnet (network profile gensyn-testnet): it reads
	// without an account, and writes from the user's smart account once they sign in.
	ModeGensyn Mode = "gensyn"
)

// Invite is everything a node needs to join a hosted swarm, as one string a host's app copies
// and a joiner pastes (String / ParseInvite).
type Invite struct {
	Bootnodes []string `json:"bootnodes"` // multiaddrs with /p2p/ peer IDs
	RPCURL    string   `json:"rpc"`       // the chain's JSON-RPC URL
	ChainID   int64    `json:"chain_id"`
	Contract  string   `json:"contract"` // coordinator address, 0x…
}

// Choice is the first-run decision, saved in the data folder so later launches go straight to
// the dashboard.
type Choice struct {
	Mode   Mode    `json:"mode"`
	Invite *Invite `json:"invite,omitempty"` // ModeJoin only
}

// Stage is a step of bringing the node up, for the progress screen.
type Stage string

// Start-up stages, in order.
const (
	StageIdentity Stage = "identity" // opening the key store
	StageChain    Stage = "chain"    // connecting to (or starting) the chain
	StageRegister Stage = "register" // registering the peer on the coordinator
	StageSwarm    Stage = "swarm"    // starting libp2p and finding peers
	StageDownload Stage = "download" // fetching the model from the hub (first run)
	StageLoad     Stage = "load"     // loading the weights
	StageReady    Stage = "ready"    // the node runs
)

// Progress is one update while the node comes up. Done/Total are bytes (download, load) or 0
// when the stage has no measure.
type Progress struct {
	Stage   Stage
	Message string
	Done    int64
	Total   int64
}

// Device says what the engine computes on.
type Device struct {
	Kind        string // CPU, Vulkan, CUDA or Metal
	Name        string // e.g. "AMD EPYC 7B13, 16 threads"
	Threads     int
	MemoryBytes uint64 // the machine's (or GPU's) memory
	LimitBytes  uint64 // what the node may use (resources.memory_limit_mb)
	// Plan says what the node trains within the limit and why (the memory plan, see
	// Session.MemoryPlan); "" until the model is on this computer.
	Plan string
	// KVCache is the type of the model's KV caches on it ("bf16 KV cache", engine.kv_cache);
	// "" until a model is on the device.
	KVCache string
	// Note says why the engine is not on the device engine.device asked for, or its KV caches
	// not the type engine.kv_cache asked for, a line each ("" when both are).
	Note string
}

// LeaderRow is one peer on the coordinator's leaderboard.
type LeaderRow struct {
	Rank    int
	Name    string // rl-swarm's three-word name
	PeerID  string
	Rewards *big.Int
	Wins    uint64
	Votes   uint64
	Self    bool // this node
	// Member: the peer proved its ID with its own key (chain.Entry.Proven). Note explains a
	// row that is not simply a proven member (chain.Entry.Note); empty otherwise.
	Member bool
	Note   string
}

// Leaderboard is the board and when it was read.
type Leaderboard struct {
	Rows []LeaderRow
	Read time.Time
}
