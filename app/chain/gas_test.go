package chain_test

import (
	"testing"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/chain/contract"
	"github.com/swarmdesk/swarmdesk/app/chain/devchain"
)

// TestRegistrationGas measures what the ownership proof (issue 16's defence against peer-ID
// squatting) costs next to the old registerPeer, on the in-process dev chain: each a fresh
// account's first registration of a fresh real peer ID. The figures are logged (go test -v)
// for the note; the test fails only if the proof came for free (it was not checked or not
// stored) or a registration went past a reasonable 500k gas.
func TestRegistrationGas(t *testing.T) {
	ch := startChain(t, devchain.Config{})
	ctx := testCtx(t)
	opts := chain.Options{CacheDir: t.TempDir()}
	coord := contract.NewSwarmCoordinator()
	gas := map[string]uint64{}
	for _, kind := range []string{"registerPeer", "registerPeerWithProof"} {
		c := join(t, ch, opts)
		key, id := newPeerKey(t)
		data, err := coord.TryPackRegisterPeer(id)
		if kind == "registerPeerWithProof" {
			var proof []byte
			if _, proof, err = chain.SignPeerClaim(key, ch.Profile().ChainID, ch.Contract(), c.Account()); err != nil {
				t.Fatal(err)
			}
			data, err = coord.TryPackRegisterPeerWithProof(id, proof)
		}
		if err != nil {
			t.Fatal(err)
		}
		rc, err := c.TxManager().Transact(ctx, ptr(ch.Contract()), data, nil, nil)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		gas[kind] = rc.GasUsed
		t.Logf("%-22s %7d gas (calldata %d bytes, peer ID %d bytes)", kind, rc.GasUsed, len(data), len(id))
	}
	plain, proof := gas["registerPeer"], gas["registerPeerWithProof"]
	t.Logf("the proof costs %d gas more (%.2f×)", int64(proof)-int64(plain), float64(proof)/float64(plain))
	if proof <= plain || proof > 500_000 || plain < 21_000 {
		t.Fatalf("registerPeer %d gas, registerPeerWithProof %d gas: want 21000 ≤ plain < proof ≤ 500000", plain, proof)
	}
}
