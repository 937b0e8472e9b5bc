package chain

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

func TestProfileByName(t *testing.T) {
	tests := []struct {
		name    string
		want    Profile
		wantErr bool
	}{
		{"", Profile{Name: ProfileLocal, ChainID: LocalChainID}, false},
		{"local", Profile{Name: ProfileLocal, ChainID: LocalChainID}, false},
		{"Gensyn-Testnet", Profile{Name: ProfileGensynTestnet, RPCURL: "https://gensyn-testnet.g.alchemy.com/public", ChainID: 685685,
			Contract: common.HexToAddress("0x7745a8FE4b8D2D2c3BB103F8dCae822746F35Da0"), ReadOnly: true, SignIn: GensynSignIn()}, false},
		{"custom", Profile{}, true},
		{"mainnet", Profile{}, true},
	}
	for _, tt := range tests {
		got, err := ProfileByName(tt.name)
		if (err != nil) != tt.wantErr {
			t.Fatalf("ProfileByName(%q) error = %v, wantErr %v", tt.name, err, tt.wantErr)
		}
		if got != tt.want {
			t.Errorf("ProfileByName(%q) = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestCustomProfile(t *testing.T) {
	const addr = "0x1111111111111111111111111111111111111111"
	tests := []struct {
		url      string
		chainID  int64
		contract string
		ok       bool
	}{
		{"http://10.0.0.2:8545", 42, addr, true},
		{"wss://rpc.example.org/ws", 1, addr, true},
		{"ftp://x", 42, addr, false},
		{"http://", 42, addr, false},
		{"http://h:1", 0, addr, false},
		{"http://h:1", 42, "0x1234", false},
		{"http://h:1", 42, "0x0000000000000000000000000000000000000000", false},
	}
	for _, tt := range tests {
		p, err := CustomProfile(tt.url, tt.chainID, tt.contract)
		if (err == nil) != tt.ok {
			t.Errorf("CustomProfile(%q, %d, %q) error = %v, want ok=%v", tt.url, tt.chainID, tt.contract, err, tt.ok)
			continue
		}
		if tt.ok && (p.Name != ProfileCustom || p.RPCURL != tt.url || p.ChainID != tt.chainID || p.Contract != common.HexToAddress(tt.contract) || p.ReadOnly) {
			t.Errorf("CustomProfile gave %+v", p)
		}
	}
}
