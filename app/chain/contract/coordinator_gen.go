// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package contract

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = bytes.Equal
	_ = errors.New
	_ = big.NewInt
	_ = common.Big1
	_ = types.BloomLookup
	_ = abi.ConvertType
)

// SwarmCoordinatorMetaData contains all meta data concerning the SwarmCoordinator contract.
var SwarmCoordinatorMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner_\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"InvalidBootnodeIndex\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidRoundNumber\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidStageNumber\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidVote\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidVoterPeerId\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"OnlyBootnodeManager\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"OnlyOwner\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"OnlyStageManager\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"PeerIdAlreadyRegistered\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"RewardAlreadySubmitted\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"StageOutOfBounds\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"WinnerAlreadyVoted\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"manager\",\"type\":\"address\"}],\"name\":\"AllBootnodesCleared\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"manager\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"index\",\"type\":\"uint256\"}],\"name\":\"BootnodeRemoved\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"manager\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"count\",\"type\":\"uint256\"}],\"name\":\"BootnodesAdded\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"peerId\",\"type\":\"string\"},{\"indexed\":false,\"internalType\":\"int256\",\"name\":\"totalRewards\",\"type\":\"int256\"}],\"name\":\"CumulativeRewardsUpdated\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"eoa\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"peerId\",\"type\":\"string\"}],\"name\":\"PeerRegistered\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"roundNumber\",\"type\":\"uint256\"},{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"stageNumber\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"int256\",\"name\":\"reward\",\"type\":\"int256\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"peerId\",\"type\":\"string\"}],\"name\":\"RewardSubmitted\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"role\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"}],\"name\":\"RoleGranted\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"role\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"}],\"name\":\"RoleRevoked\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"newRoundNumber\",\"type\":\"uint256\"}],\"name\":\"RoundAdvanced\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"roundNumber\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"newStage\",\"type\":\"uint256\"}],\"name\":\"StageAdvanced\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"peerId\",\"type\":\"string\"},{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"roundNumber\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"string[]\",\"name\":\"winners\",\"type\":\"string[]\"}],\"name\":\"WinnerSubmitted\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"BOOTNODE_MANAGER_ROLE\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"OWNER_ROLE\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"STAGE_MANAGER_ROLE\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"string[]\",\"name\":\"newBootnodes\",\"type\":\"string[]\"}],\"name\":\"addBootnodes\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"clearBootnodes\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"currentRound\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"currentStage\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"getBootnodes\",\"outputs\":[{\"internalType\":\"string[]\",\"name\":\"\",\"type\":\"string[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"getBootnodesCount\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"string[]\",\"name\":\"peerIds\",\"type\":\"string[]\"}],\"name\":\"getEoa\",\"outputs\":[{\"internalType\":\"address[]\",\"name\":\"\",\"type\":\"address[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address[]\",\"name\":\"eoas\",\"type\":\"address[]\"}],\"name\":\"getPeerId\",\"outputs\":[{\"internalType\":\"string[][]\",\"name\":\"\",\"type\":\"string[][]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"roundNumber\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"stageNumber\",\"type\":\"uint256\"},{\"internalType\":\"address[]\",\"name\":\"accounts\",\"type\":\"address[]\"}],\"name\":\"getRoundStageReward\",\"outputs\":[{\"internalType\":\"int256[]\",\"name\":\"\",\"type\":\"int256[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"string[]\",\"name\":\"peerIds\",\"type\":\"string[]\"}],\"name\":\"getTotalRewards\",\"outputs\":[{\"internalType\":\"int256[]\",\"name\":\"\",\"type\":\"int256[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"string\",\"name\":\"peerId\",\"type\":\"string\"}],\"name\":\"getTotalWins\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"string\",\"name\":\"peerId\",\"type\":\"string\"}],\"name\":\"getVoterVoteCount\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"roundNumber\",\"type\":\"uint256\"},{\"internalType\":\"string\",\"name\":\"peerId\",\"type\":\"string\"}],\"name\":\"getVoterVotes\",\"outputs\":[{\"internalType\":\"string[]\",\"name\":\"\",\"type\":\"string[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"role\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"grantRole\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"role\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"hasRole\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"roundNumber\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"stageNumber\",\"type\":\"uint256\"},{\"internalType\":\"string\",\"name\":\"peerId\",\"type\":\"string\"}],\"name\":\"hasSubmittedRoundStageReward\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"string\",\"name\":\"peerId\",\"type\":\"string\"}],\"name\":\"registerPeer\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"index\",\"type\":\"uint256\"}],\"name\":\"removeBootnode\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"role\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"revokeRole\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"stageCount\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"roundNumber\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"stageNumber\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"reward\",\"type\":\"uint256\"},{\"internalType\":\"string\",\"name\":\"peerId\",\"type\":\"string\"}],\"name\":\"submitReward\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"roundNumber\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"stageNumber\",\"type\":\"uint256\"},{\"internalType\":\"int256\",\"name\":\"reward\",\"type\":\"int256\"},{\"internalType\":\"string\",\"name\":\"peerId\",\"type\":\"string\"}],\"name\":\"submitReward\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"roundNumber\",\"type\":\"uint256\"},{\"internalType\":\"string[]\",\"name\":\"winners\",\"type\":\"string[]\"},{\"internalType\":\"string\",\"name\":\"peerId\",\"type\":\"string\"}],\"name\":\"submitWinners\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"uniqueVoters\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"updateStageAndRound\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "SwarmCoordinator",
	Bin: "0x608060405234801561000f575f5ffd5b506040516122c43803806122c483398101604081905261002e9161010c565b6100587fb19546dff01e856fb3f010c267a7b1c60363cf8a4664e21cc89c26224620214e826100b2565b6100827fcf0699fb89ab6c55a83a3d15d054926c4f9dc24cd23677cb3fcc9fbc31d7fea1826100b2565b6100ac7f9900d33a52698f1474f45bfcefc86b8979f9b4e1ec601d0a29ece183eb99d413826100b2565b50610139565b5f828152600c602090815260408083206001600160a01b0385168085529252808320805460ff1916600117905551339285917f2f8788117e7eff1d82e926ec794901d17c78024a50270940304540a733656f0d9190a45050565b5f6020828403121561011c575f5ffd5b81516001600160a01b0381168114610132575f5ffd5b9392505050565b61217e806101465f395ff3fe608060405234801561000f575f5ffd5b50600436106101bb575f3560e01c80637c8973c7116100f3578063d547741f11610093578063e28b05861161006e578063e28b0586146103ea578063e58378bb14610407578063f33261ac1461042e578063fbe94d6814610435575f5ffd5b8063d547741f146103b1578063d90d8573146103c4578063dfb3c7df146103d7575f5ffd5b806391d14854116100ce57806391d148541461033157806396bac35a14610369578063b0c7740414610389578063b894a46914610391575f5ffd5b80637c8973c7146102f057806380c3d97f146103175780638a19c8bc1461032a575f5ffd5b806333e7fb451161015e5780634f52ca36116101395780634f52ca36146102ba5780635194e15f146102cd5780635bf5d54c146102e05780636370ae4f146102e8575f5ffd5b806333e7fb45146102975780634179a759146102aa57806348495bdb146102b2575f5ffd5b8063099c400211610199578063099c40021461022e5780631fcaf676146102415780632bdd8ea6146102645780632f2ff15d14610284575f5ffd5b8063068dc322146101bf57806306ca2dd3146101f9578063098f027f1461020e575b5f5ffd5b6101e67fcf0699fb89ab6c55a83a3d15d054926c4f9dc24cd23677cb3fcc9fbc31d7fea181565b6040519081526020015b60405180910390f35b61020c6102073660046116ad565b610448565b005b61022161021c366004611748565b61045c565b6040516101f09190611796565b6101e661023c3660046117d8565b61053c565b61025461024f366004611816565b610567565b60405190151581526020016101f0565b610277610272366004611858565b6105ac565b6040516101f09190611919565b61020c61029236600461194d565b6106b1565b61020c6102a53660046117d8565b61070d565b61020c61080a565b6008546101e6565b61020c6102c8366004611977565b61088f565b61020c6102db3660046116ad565b6109be565b6001546101e6565b610277610c47565b6101e67f9900d33a52698f1474f45bfcefc86b8979f9b4e1ec601d0a29ece183eb99d41381565b61022161032536600461198e565b610d1b565b5f546101e6565b61025461033f36600461194d565b5f918252600c602090815260408084206001600160a01b0393909316845291905290205460ff1690565b61037c61037736600461198e565b610ddc565b6040516101f091906119c0565b6007546101e6565b6103a461039f36600461198e565b610eb1565b6040516101f09190611a00565b61020c6103bf36600461194d565b611045565b61020c6103d236600461198e565b6110ea565b6101e66103e53660046117d8565b6111c3565b6103f26111d6565b604080519283526020830191909152016101f0565b6101e67fb19546dff01e856fb3f010c267a7b1c60363cf8a4664e21cc89c26224620214e81565b60016101e6565b61020c610443366004611aa7565b6112da565b61045585858585856109be565b5050505050565b60605f826001600160401b0381111561047757610477611a63565b6040519080825280602002602001820160405280156104a0578160200160208202803683370190505b5090505f5b83811015610532575f8781526009602090815260408083208984529091528120908686848181106104d8576104d8611be9565b90506020020160208101906104ed9190611bfd565b6001600160a01b03166001600160a01b031681526020019081526020015f205482828151811061051f5761051f611be9565b60209081029190910101526001016104a5565b5095945050505050565b5f6004838360405161054f929190611c16565b90815260200160405180910390205490505b92915050565b5f848152600a60209081526040808320868452909152808220905161058f9085908590611c16565b9081526040519081900360200190205460ff169050949350505050565b606060055f8581526020019081526020015f2083836040516105cf929190611c16565b9081526020016040518091039020805480602002602001604051908101604052809291908181526020015f905b828210156106a4578382905f5260205f2001805461061990611c25565b80601f016020809104026020016040519081016040528092919081815260200182805461064590611c25565b80156106905780601f1061066757610100808354040283529160200191610690565b820191905f5260205f20905b81548152906001019060200180831161067357829003601f168201915b5050505050815260200190600101906105fc565b5050505090509392505050565b335f9081527f87a1547176c6aa891c1f6d8ab72569bc91cfda9eb3c14890baef04c12f52bda4602052604090205460ff166106ff57604051635fc483c560e01b815260040160405180910390fd5b6107098282611587565b5050565b5f6001600160a01b031660038383604051610729929190611c16565b908152604051908190036020019020546001600160a01b0316146107605760405163723dc67560e01b815260040160405180910390fd5b335f90815260026020908152604082208054600181018255908352912001610789828483611cc7565b50336003838360405161079d929190611c16565b90815260405190819003602001812080546001600160a01b03939093166001600160a01b03199093169290921790915533907f13ff856599d1c93e876f34e507293c64647043cc0171caa42d35f8015c56455c906107fe9085908590611da3565b60405180910390a25050565b335f9081527f708c5598abba69329d7aea34abf36e05f5cfebda9af82031cc1ce1d9d978ee41602052604090205460ff166108585760405163014c1cb560e01b815260040160405180910390fd5b61086360085f6115e1565b60405133907f283fdacb5de1271ad7865bfc841f02966aea2bb4d0211745186c12b16a3ce1b8905f90a2565b335f9081527f708c5598abba69329d7aea34abf36e05f5cfebda9af82031cc1ce1d9d978ee41602052604090205460ff166108dd5760405163014c1cb560e01b815260040160405180910390fd5b60085480821061090057604051633ec5578760e11b815260040160405180910390fd5b61090b600182611dd2565b82101561096057600861091f600183611dd2565b8154811061092f5761092f611be9565b905f5260205f20016008838154811061094a5761094a611be9565b905f5260205f2001908161095e9190611de5565b505b600880548061097157610971611eb4565b600190038181905f5260205f20015f61098a91906115fb565b905560405182815233907f82d82daba96d4df28e6cb421b83d49e88d4e4a448a9e768311afba927487f20c906020016107fe565b5f548511156109e0576040516320cbfb7560e11b815260040160405180910390fd5b5f548503610a1057600154841115610a0b5760405163f7d2056360e01b815260040160405180910390fd5b610a32565b6001841115610a325760405163f7d2056360e01b815260040160405180910390fd5b5f858152600a60209081526040808320878452909152908190209051610a5b9084908490611c16565b9081526040519081900360200190205460ff1615610a8c576040516371ce701760e11b815260040160405180910390fd5b336001600160a01b031660038383604051610aa8929190611c16565b908152604051908190036020019020546001600160a01b031614610adf576040516305852d4360e21b815260040160405180910390fd5b5f858152600960209081526040808320878452825280832033845290915281208054859290610b0f908490611ec8565b90915550505f858152600a6020908152604080832087845290915290819020905160019190610b419085908590611c16565b908152604051908190036020018120805492151560ff19909316929092179091558390600b90610b749085908590611c16565b90815260200160405180910390205f828254610b909190611ec8565b925050819055508385336001600160a01b03167f3d9492e853616bfa85e7c758cbd89efdbe62254e78838c74c160192efa57f25f868686604051610bd693929190611eef565b60405180910390a4336001600160a01b03167f984ef3ae4724684ba8e48f5e1e384dc71ecf5115bc094785d9399a59daf5d4108383600b8686604051610c1d929190611c16565b90815260405190819003602001812054610c38939291611f11565b60405180910390a25050505050565b60606008805480602002602001604051908101604052809291908181526020015f905b82821015610d12578382905f5260205f20018054610c8790611c25565b80601f0160208091040260200160405190810160405280929190818152602001828054610cb390611c25565b8015610cfe5780601f10610cd557610100808354040283529160200191610cfe565b820191905f5260205f20905b815481529060010190602001808311610ce157829003601f168201915b505050505081526020019060010190610c6a565b50505050905090565b60605f826001600160401b03811115610d3657610d36611a63565b604051908082528060200260200182016040528015610d5f578160200160208202803683370190505b5090505f5b83811015610dd457600b858583818110610d8057610d80611be9565b9050602002810190610d929190611f34565b604051610da0929190611c16565b908152602001604051809103902054828281518110610dc157610dc1611be9565b6020908102919091010152600101610d64565b509392505050565b60605f826001600160401b03811115610df757610df7611a63565b604051908082528060200260200182016040528015610e20578160200160208202803683370190505b5090505f5b83811015610dd4576003858583818110610e4157610e41611be9565b9050602002810190610e539190611f34565b604051610e61929190611c16565b9081526040519081900360200190205482516001600160a01b0390911690839083908110610e9157610e91611be9565b6001600160a01b0390921660209283029190910190910152600101610e25565b60605f826001600160401b03811115610ecc57610ecc611a63565b604051908082528060200260200182016040528015610eff57816020015b6060815260200190600190039081610eea5790505b5090505f5b83811015610dd45760025f868684818110610f2157610f21611be9565b9050602002016020810190610f369190611bfd565b6001600160a01b03166001600160a01b031681526020019081526020015f20805480602002602001604051908101604052809291908181526020015f905b8282101561101c578382905f5260205f20018054610f9190611c25565b80601f0160208091040260200160405190810160405280929190818152602001828054610fbd90611c25565b80156110085780601f10610fdf57610100808354040283529160200191611008565b820191905f5260205f20905b815481529060010190602001808311610feb57829003601f168201915b505050505081526020019060010190610f74565b5050505082828151811061103257611032611be9565b6020908102919091010152600101610f04565b335f9081527f87a1547176c6aa891c1f6d8ab72569bc91cfda9eb3c14890baef04c12f52bda4602052604090205460ff1661109357604051635fc483c560e01b815260040160405180910390fd5b5f828152600c602090815260408083206001600160a01b0385168085529252808320805460ff1916905551339285917ff6391f5c32d9c69d2a47ea670b442974b53935d1edc7fd64eb21e047a839171b9190a45050565b335f9081527f708c5598abba69329d7aea34abf36e05f5cfebda9af82031cc1ce1d9d978ee41602052604090205460ff166111385760405163014c1cb560e01b815260040160405180910390fd5b5f5b8181101561119057600883838381811061115657611156611be9565b90506020028101906111689190611f34565b82546001810184555f9384526020909320909201916111879183611cc7565b5060010161113a565b5060405181815233907fa9a386aeb1871393ce021c503e25c80ac4d26812ec75539a703f472b818b5c6c906020016107fe565b5f6006838360405161054f929190611c16565b335f9081527f2bfc73dd7e9212bc5e15ee035905dfb1b19ab4028ce08ab61b07053772d035dc6020526040812054819060ff16611226576040516301c66b2360e21b815260040160405180910390fd5b600180546112349082611f76565b10611281575f8054908061124783611f89565b90915550505f6001819055805460405190917f023811fd72d20a3eb734785eed809172b5c9c24019d493039c70ef9c276d4d9791a2611292565b6001805461128e91611f76565b6001555b5f547f373b83833fa259ee8a1c96ccea2cb633a5b88dd292e40ff9f8c103d8ce10c5776001546040516112c791815260200190565b60405180910390a250505f546001549091565b5f548411156112fc576040516320cbfb7560e11b815260040160405180910390fd5b5f8481526005602052604080822090516113199085908590611c16565b90815260405190819003602001902054111561134857604051633d51d82760e01b815260040160405180910390fd5b336001600160a01b031660038383604051611364929190611c16565b908152604051908190036020019020546001600160a01b03161461139b576040516305852d4360e21b815260040160405180910390fd5b5f5b835181101561142f575f6113b2826001611f76565b90505b8451811015611426578481815181106113d0576113d0611be9565b6020026020010151805190602001208583815181106113f1576113f1611be9565b6020026020010151805190602001200361141e57604051636aee863360e11b815260040160405180910390fd5b6001016113b5565b5060010161139d565b508260055f8681526020019081526020015f208383604051611452929190611c16565b9081526020016040518091039020908161146c9190612047565b506006828260405161147f929190611c16565b9081526020016040518091039020545f036114a95760078054905f6114a383611f89565b91905055505b600682826040516114bb929190611c16565b9081526040519081900360200190208054905f6114d783611f89565b909155505f90505b835181101561153a5760048482815181106114fc576114fc611be9565b6020026020010151604051611511919061212c565b9081526040519081900360200190208054905f61152d83611f89565b90915550506001016114df565b5083336001600160a01b03167fc49e95fe7063aa0550cf4b88accd643a2eca314054a882fc705e1874a294aa3084848760405161157993929190612142565b60405180910390a350505050565b5f828152600c602090815260408083206001600160a01b0385168085529252808320805460ff1916600117905551339285917f2f8788117e7eff1d82e926ec794901d17c78024a50270940304540a733656f0d9190a45050565b5080545f8255905f5260205f20906115f9919061162f565b565b50805461160790611c25565b5f825580601f10611616575050565b601f0160209004905f5260205f20906115f99190611652565b5f5b8082111561164d576116458184015f6115fb565b600101611631565b505050565b5f5b8082111561164d575f81840155600101611654565b5f5f83601f840112611679575f5ffd5b5081356001600160401b0381111561168f575f5ffd5b6020830191508360208285010111156116a6575f5ffd5b9250929050565b5f5f5f5f5f608086880312156116c1575f5ffd5b85359450602086013593506040860135925060608601356001600160401b038111156116eb575f5ffd5b6116f788828901611669565b969995985093965092949392505050565b5f5f83601f840112611718575f5ffd5b5081356001600160401b0381111561172e575f5ffd5b6020830191508360208260051b85010111156116a6575f5ffd5b5f5f5f5f6060858703121561175b575f5ffd5b843593506020850135925060408501356001600160401b0381111561177e575f5ffd5b61178a87828801611708565b95989497509550505050565b602080825282518282018190525f918401906040840190835b818110156117cd5783518352602093840193909201916001016117af565b509095945050505050565b5f5f602083850312156117e9575f5ffd5b82356001600160401b038111156117fe575f5ffd5b61180a85828601611669565b90969095509350505050565b5f5f5f5f60608587031215611829575f5ffd5b843593506020850135925060408501356001600160401b0381111561184c575f5ffd5b61178a87828801611669565b5f5f5f6040848603121561186a575f5ffd5b8335925060208401356001600160401b03811115611886575f5ffd5b61189286828701611669565b9497909650939450505050565b5f82825180855260208501945060208160051b830101602085015f5b8381101561190d57601f19858403018852815180518085528060208301602087015e5f602082870101526020601f19601f830116860101945050506020820191506020880197506001810190506118bb565b50909695505050505050565b602081525f61192b602083018461189f565b9392505050565b80356001600160a01b0381168114611948575f5ffd5b919050565b5f5f6040838503121561195e575f5ffd5b8235915061196e60208401611932565b90509250929050565b5f60208284031215611987575f5ffd5b5035919050565b5f5f6020838503121561199f575f5ffd5b82356001600160401b038111156119b4575f5ffd5b61180a85828601611708565b602080825282518282018190525f918401906040840190835b818110156117cd5783516001600160a01b03168352602093840193909201916001016119d9565b5f602082016020835280845180835260408501915060408160051b8601019250602086015f5b82811015611a5757603f19878603018452611a4285835161189f565b94506020938401939190910190600101611a26565b50929695505050505050565b634e487b7160e01b5f52604160045260245ffd5b604051601f8201601f191681016001600160401b0381118282101715611a9f57611a9f611a63565b604052919050565b5f5f5f5f60608587031215611aba575f5ffd5b8435935060208501356001600160401b03811115611ad6575f5ffd5b8501601f81018713611ae6575f5ffd5b80356001600160401b03811115611aff57611aff611a63565b8060051b611b0f60208201611a77565b9182526020818401810192908101908a841115611b2a575f5ffd5b6020850192505b83831015611bca5782356001600160401b03811115611b4e575f5ffd5b8501603f81018c13611b5e575f5ffd5b60208101356001600160401b03811115611b7a57611b7a611a63565b611b8d601f8201601f1916602001611a77565b8181526040838301018e1015611ba1575f5ffd5b816040840160208301375f60208383010152808552505050602082019150602083019250611b31565b9650505050604086013590506001600160401b0381111561184c575f5ffd5b634e487b7160e01b5f52603260045260245ffd5b5f60208284031215611c0d575f5ffd5b61192b82611932565b818382375f9101908152919050565b600181811c90821680611c3957607f821691505b602082108103611c5757634e487b7160e01b5f52602260045260245ffd5b50919050565b5f5b8281101561164d575f82820155600101611c5f565b601f82111561164d578282111561164d57805f5260205f20601f840160051c6020851015611c9f57505f5b61045581601f860160051c03828401611c5d565b5f19600383901b1c191660019190911b1790565b6001600160401b03831115611cde57611cde611a63565b611cf283611cec8354611c25565b83611c74565b5f601f841160018114611d1e575f8515611d0c5750838201355b611d168682611cb3565b845550610455565b5f83815260208120601f198716915b82811015611d4d5786850135825560209485019460019092019101611d2d565b5086821015611d69575f1960f88860031b161c19848701351681555b505060018560011b0183555050505050565b81835281816020850137505f828201602090810191909152601f909101601f19169091010190565b602081525f611db6602083018486611d7b565b949350505050565b634e487b7160e01b5f52601160045260245ffd5b8181038181111561056157610561611dbe565b818103611df0575050565b611dfa8254611c25565b6001600160401b03811115611e1157611e11611a63565b611e2581611e1f8454611c25565b84611c74565b5f601f821160018114611e51575f8315611e3f5750848201545b611e498482611cb3565b855550610455565b5f8581526020808220868352908220601f198616925b83811015611e875782860154825560019586019590910190602001611e67565b5085831015611ea457818501545f19600388901b60f8161c191681555b5050505050600190811b01905550565b634e487b7160e01b5f52603160045260245ffd5b8082018281125f831280158216821582161715611ee757611ee7611dbe565b505092915050565b838152604060208201525f611f08604083018486611d7b565b95945050505050565b604081525f611f24604083018587611d7b565b9050826020830152949350505050565b5f5f8335601e19843603018112611f49575f5ffd5b8301803591506001600160401b03821115611f62575f5ffd5b6020019150368190038213156116a6575f5ffd5b8082018082111561056157610561611dbe565b5f60018201611f9a57611f9a611dbe565b5060010190565b81516001600160401b03811115611fba57611fba611a63565b611fc881611e1f8454611c25565b6020601f821160018114611fec575f8315611e3f575084820151611e498482611cb3565b5f84815260208120601f198516915b8281101561201b5787850151825560209485019460019092019101611ffb565b508482101561203857868401515f19600387901b60f8161c191681555b50505050600190811b01905550565b81516801000000000000000081111561206257612062611a63565b8154818355808210156120e857825f528160205f20018282035f5b818110156120e4578083016120928154611c25565b80156120da57601f8111600181146120ac575f83556120d8565b5f838152602090206120ca601f840160051c5f190160018301611c5d565b505f83815260208120818555555b505b505060010161207d565b5050505b50602083016120fc835f9081526020902090565b5f5b8381101561212457612111835183611fa1565b60209290920191600191820191016120fe565b505050505050565b5f82518060208501845e5f920191825250919050565b604081525f612155604083018587611d7b565b8281036020840152612167818561189f565b969550505050505056fea164736f6c6343000825000a",
}

// SwarmCoordinator is an auto generated Go binding around an Ethereum contract.
type SwarmCoordinator struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *SwarmCoordinator) GetABI() abi.ABI {
	return c.abi
}

// NewSwarmCoordinator creates a new instance of SwarmCoordinator.
func NewSwarmCoordinator() *SwarmCoordinator {
	parsed, err := SwarmCoordinatorMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &SwarmCoordinator{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *SwarmCoordinator) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address owner_) returns()
func (swarmCoordinator *SwarmCoordinator) PackConstructor(owner_ common.Address) []byte {
	enc, err := swarmCoordinator.abi.Pack("", owner_)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackBOOTNODEMANAGERROLE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7c8973c7.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function BOOTNODE_MANAGER_ROLE() view returns(bytes32)
func (swarmCoordinator *SwarmCoordinator) PackBOOTNODEMANAGERROLE() []byte {
	enc, err := swarmCoordinator.abi.Pack("BOOTNODE_MANAGER_ROLE")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackBOOTNODEMANAGERROLE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7c8973c7.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function BOOTNODE_MANAGER_ROLE() view returns(bytes32)
func (swarmCoordinator *SwarmCoordinator) TryPackBOOTNODEMANAGERROLE() ([]byte, error) {
	return swarmCoordinator.abi.Pack("BOOTNODE_MANAGER_ROLE")
}

// UnpackBOOTNODEMANAGERROLE is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x7c8973c7.
//
// Solidity: function BOOTNODE_MANAGER_ROLE() view returns(bytes32)
func (swarmCoordinator *SwarmCoordinator) UnpackBOOTNODEMANAGERROLE(data []byte) ([32]byte, error) {
	out, err := swarmCoordinator.abi.Unpack("BOOTNODE_MANAGER_ROLE", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackOWNERROLE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe58378bb.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function OWNER_ROLE() view returns(bytes32)
func (swarmCoordinator *SwarmCoordinator) PackOWNERROLE() []byte {
	enc, err := swarmCoordinator.abi.Pack("OWNER_ROLE")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOWNERROLE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe58378bb.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function OWNER_ROLE() view returns(bytes32)
func (swarmCoordinator *SwarmCoordinator) TryPackOWNERROLE() ([]byte, error) {
	return swarmCoordinator.abi.Pack("OWNER_ROLE")
}

// UnpackOWNERROLE is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xe58378bb.
//
// Solidity: function OWNER_ROLE() view returns(bytes32)
func (swarmCoordinator *SwarmCoordinator) UnpackOWNERROLE(data []byte) ([32]byte, error) {
	out, err := swarmCoordinator.abi.Unpack("OWNER_ROLE", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackSTAGEMANAGERROLE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x068dc322.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function STAGE_MANAGER_ROLE() view returns(bytes32)
func (swarmCoordinator *SwarmCoordinator) PackSTAGEMANAGERROLE() []byte {
	enc, err := swarmCoordinator.abi.Pack("STAGE_MANAGER_ROLE")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSTAGEMANAGERROLE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x068dc322.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function STAGE_MANAGER_ROLE() view returns(bytes32)
func (swarmCoordinator *SwarmCoordinator) TryPackSTAGEMANAGERROLE() ([]byte, error) {
	return swarmCoordinator.abi.Pack("STAGE_MANAGER_ROLE")
}

// UnpackSTAGEMANAGERROLE is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x068dc322.
//
// Solidity: function STAGE_MANAGER_ROLE() view returns(bytes32)
func (swarmCoordinator *SwarmCoordinator) UnpackSTAGEMANAGERROLE(data []byte) ([32]byte, error) {
	out, err := swarmCoordinator.abi.Unpack("STAGE_MANAGER_ROLE", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackAddBootnodes is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd90d8573.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function addBootnodes(string[] newBootnodes) returns()
func (swarmCoordinator *SwarmCoordinator) PackAddBootnodes(newBootnodes []string) []byte {
	enc, err := swarmCoordinator.abi.Pack("addBootnodes", newBootnodes)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAddBootnodes is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd90d8573.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function addBootnodes(string[] newBootnodes) returns()
func (swarmCoordinator *SwarmCoordinator) TryPackAddBootnodes(newBootnodes []string) ([]byte, error) {
	return swarmCoordinator.abi.Pack("addBootnodes", newBootnodes)
}

// PackClearBootnodes is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4179a759.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function clearBootnodes() returns()
func (swarmCoordinator *SwarmCoordinator) PackClearBootnodes() []byte {
	enc, err := swarmCoordinator.abi.Pack("clearBootnodes")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackClearBootnodes is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4179a759.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function clearBootnodes() returns()
func (swarmCoordinator *SwarmCoordinator) TryPackClearBootnodes() ([]byte, error) {
	return swarmCoordinator.abi.Pack("clearBootnodes")
}

// PackCurrentRound is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8a19c8bc.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function currentRound() view returns(uint256)
func (swarmCoordinator *SwarmCoordinator) PackCurrentRound() []byte {
	enc, err := swarmCoordinator.abi.Pack("currentRound")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCurrentRound is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8a19c8bc.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function currentRound() view returns(uint256)
func (swarmCoordinator *SwarmCoordinator) TryPackCurrentRound() ([]byte, error) {
	return swarmCoordinator.abi.Pack("currentRound")
}

// UnpackCurrentRound is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8a19c8bc.
//
// Solidity: function currentRound() view returns(uint256)
func (swarmCoordinator *SwarmCoordinator) UnpackCurrentRound(data []byte) (*big.Int, error) {
	out, err := swarmCoordinator.abi.Unpack("currentRound", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackCurrentStage is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5bf5d54c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function currentStage() view returns(uint256)
func (swarmCoordinator *SwarmCoordinator) PackCurrentStage() []byte {
	enc, err := swarmCoordinator.abi.Pack("currentStage")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCurrentStage is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5bf5d54c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function currentStage() view returns(uint256)
func (swarmCoordinator *SwarmCoordinator) TryPackCurrentStage() ([]byte, error) {
	return swarmCoordinator.abi.Pack("currentStage")
}

// UnpackCurrentStage is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x5bf5d54c.
//
// Solidity: function currentStage() view returns(uint256)
func (swarmCoordinator *SwarmCoordinator) UnpackCurrentStage(data []byte) (*big.Int, error) {
	out, err := swarmCoordinator.abi.Unpack("currentStage", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackGetBootnodes is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6370ae4f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getBootnodes() view returns(string[])
func (swarmCoordinator *SwarmCoordinator) PackGetBootnodes() []byte {
	enc, err := swarmCoordinator.abi.Pack("getBootnodes")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetBootnodes is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6370ae4f.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getBootnodes() view returns(string[])
func (swarmCoordinator *SwarmCoordinator) TryPackGetBootnodes() ([]byte, error) {
	return swarmCoordinator.abi.Pack("getBootnodes")
}

// UnpackGetBootnodes is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x6370ae4f.
//
// Solidity: function getBootnodes() view returns(string[])
func (swarmCoordinator *SwarmCoordinator) UnpackGetBootnodes(data []byte) ([]string, error) {
	out, err := swarmCoordinator.abi.Unpack("getBootnodes", data)
	if err != nil {
		return *new([]string), err
	}
	out0 := *abi.ConvertType(out[0], new([]string)).(*[]string)
	return out0, nil
}

// PackGetBootnodesCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x48495bdb.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getBootnodesCount() view returns(uint256)
func (swarmCoordinator *SwarmCoordinator) PackGetBootnodesCount() []byte {
	enc, err := swarmCoordinator.abi.Pack("getBootnodesCount")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetBootnodesCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x48495bdb.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getBootnodesCount() view returns(uint256)
func (swarmCoordinator *SwarmCoordinator) TryPackGetBootnodesCount() ([]byte, error) {
	return swarmCoordinator.abi.Pack("getBootnodesCount")
}

// UnpackGetBootnodesCount is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x48495bdb.
//
// Solidity: function getBootnodesCount() view returns(uint256)
func (swarmCoordinator *SwarmCoordinator) UnpackGetBootnodesCount(data []byte) (*big.Int, error) {
	out, err := swarmCoordinator.abi.Unpack("getBootnodesCount", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackGetEoa is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x96bac35a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getEoa(string[] peerIds) view returns(address[])
func (swarmCoordinator *SwarmCoordinator) PackGetEoa(peerIds []string) []byte {
	enc, err := swarmCoordinator.abi.Pack("getEoa", peerIds)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetEoa is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x96bac35a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getEoa(string[] peerIds) view returns(address[])
func (swarmCoordinator *SwarmCoordinator) TryPackGetEoa(peerIds []string) ([]byte, error) {
	return swarmCoordinator.abi.Pack("getEoa", peerIds)
}

// UnpackGetEoa is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x96bac35a.
//
// Solidity: function getEoa(string[] peerIds) view returns(address[])
func (swarmCoordinator *SwarmCoordinator) UnpackGetEoa(data []byte) ([]common.Address, error) {
	out, err := swarmCoordinator.abi.Unpack("getEoa", data)
	if err != nil {
		return *new([]common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new([]common.Address)).(*[]common.Address)
	return out0, nil
}

// PackGetPeerId is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb894a469.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getPeerId(address[] eoas) view returns(string[][])
func (swarmCoordinator *SwarmCoordinator) PackGetPeerId(eoas []common.Address) []byte {
	enc, err := swarmCoordinator.abi.Pack("getPeerId", eoas)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetPeerId is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb894a469.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getPeerId(address[] eoas) view returns(string[][])
func (swarmCoordinator *SwarmCoordinator) TryPackGetPeerId(eoas []common.Address) ([]byte, error) {
	return swarmCoordinator.abi.Pack("getPeerId", eoas)
}

// UnpackGetPeerId is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xb894a469.
//
// Solidity: function getPeerId(address[] eoas) view returns(string[][])
func (swarmCoordinator *SwarmCoordinator) UnpackGetPeerId(data []byte) ([][]string, error) {
	out, err := swarmCoordinator.abi.Unpack("getPeerId", data)
	if err != nil {
		return *new([][]string), err
	}
	out0 := *abi.ConvertType(out[0], new([][]string)).(*[][]string)
	return out0, nil
}

// PackGetRoundStageReward is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x098f027f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getRoundStageReward(uint256 roundNumber, uint256 stageNumber, address[] accounts) view returns(int256[])
func (swarmCoordinator *SwarmCoordinator) PackGetRoundStageReward(roundNumber *big.Int, stageNumber *big.Int, accounts []common.Address) []byte {
	enc, err := swarmCoordinator.abi.Pack("getRoundStageReward", roundNumber, stageNumber, accounts)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetRoundStageReward is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x098f027f.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getRoundStageReward(uint256 roundNumber, uint256 stageNumber, address[] accounts) view returns(int256[])
func (swarmCoordinator *SwarmCoordinator) TryPackGetRoundStageReward(roundNumber *big.Int, stageNumber *big.Int, accounts []common.Address) ([]byte, error) {
	return swarmCoordinator.abi.Pack("getRoundStageReward", roundNumber, stageNumber, accounts)
}

// UnpackGetRoundStageReward is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x098f027f.
//
// Solidity: function getRoundStageReward(uint256 roundNumber, uint256 stageNumber, address[] accounts) view returns(int256[])
func (swarmCoordinator *SwarmCoordinator) UnpackGetRoundStageReward(data []byte) ([]*big.Int, error) {
	out, err := swarmCoordinator.abi.Unpack("getRoundStageReward", data)
	if err != nil {
		return *new([]*big.Int), err
	}
	out0 := *abi.ConvertType(out[0], new([]*big.Int)).(*[]*big.Int)
	return out0, nil
}

// PackGetTotalRewards is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x80c3d97f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getTotalRewards(string[] peerIds) view returns(int256[])
func (swarmCoordinator *SwarmCoordinator) PackGetTotalRewards(peerIds []string) []byte {
	enc, err := swarmCoordinator.abi.Pack("getTotalRewards", peerIds)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetTotalRewards is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x80c3d97f.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getTotalRewards(string[] peerIds) view returns(int256[])
func (swarmCoordinator *SwarmCoordinator) TryPackGetTotalRewards(peerIds []string) ([]byte, error) {
	return swarmCoordinator.abi.Pack("getTotalRewards", peerIds)
}

// UnpackGetTotalRewards is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x80c3d97f.
//
// Solidity: function getTotalRewards(string[] peerIds) view returns(int256[])
func (swarmCoordinator *SwarmCoordinator) UnpackGetTotalRewards(data []byte) ([]*big.Int, error) {
	out, err := swarmCoordinator.abi.Unpack("getTotalRewards", data)
	if err != nil {
		return *new([]*big.Int), err
	}
	out0 := *abi.ConvertType(out[0], new([]*big.Int)).(*[]*big.Int)
	return out0, nil
}

// PackGetTotalWins is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x099c4002.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getTotalWins(string peerId) view returns(uint256)
func (swarmCoordinator *SwarmCoordinator) PackGetTotalWins(peerId string) []byte {
	enc, err := swarmCoordinator.abi.Pack("getTotalWins", peerId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetTotalWins is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x099c4002.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getTotalWins(string peerId) view returns(uint256)
func (swarmCoordinator *SwarmCoordinator) TryPackGetTotalWins(peerId string) ([]byte, error) {
	return swarmCoordinator.abi.Pack("getTotalWins", peerId)
}

// UnpackGetTotalWins is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x099c4002.
//
// Solidity: function getTotalWins(string peerId) view returns(uint256)
func (swarmCoordinator *SwarmCoordinator) UnpackGetTotalWins(data []byte) (*big.Int, error) {
	out, err := swarmCoordinator.abi.Unpack("getTotalWins", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackGetVoterVoteCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdfb3c7df.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getVoterVoteCount(string peerId) view returns(uint256)
func (swarmCoordinator *SwarmCoordinator) PackGetVoterVoteCount(peerId string) []byte {
	enc, err := swarmCoordinator.abi.Pack("getVoterVoteCount", peerId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetVoterVoteCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdfb3c7df.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getVoterVoteCount(string peerId) view returns(uint256)
func (swarmCoordinator *SwarmCoordinator) TryPackGetVoterVoteCount(peerId string) ([]byte, error) {
	return swarmCoordinator.abi.Pack("getVoterVoteCount", peerId)
}

// UnpackGetVoterVoteCount is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xdfb3c7df.
//
// Solidity: function getVoterVoteCount(string peerId) view returns(uint256)
func (swarmCoordinator *SwarmCoordinator) UnpackGetVoterVoteCount(data []byte) (*big.Int, error) {
	out, err := swarmCoordinator.abi.Unpack("getVoterVoteCount", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackGetVoterVotes is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2bdd8ea6.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getVoterVotes(uint256 roundNumber, string peerId) view returns(string[])
func (swarmCoordinator *SwarmCoordinator) PackGetVoterVotes(roundNumber *big.Int, peerId string) []byte {
	enc, err := swarmCoordinator.abi.Pack("getVoterVotes", roundNumber, peerId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetVoterVotes is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2bdd8ea6.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getVoterVotes(uint256 roundNumber, string peerId) view returns(string[])
func (swarmCoordinator *SwarmCoordinator) TryPackGetVoterVotes(roundNumber *big.Int, peerId string) ([]byte, error) {
	return swarmCoordinator.abi.Pack("getVoterVotes", roundNumber, peerId)
}

// UnpackGetVoterVotes is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x2bdd8ea6.
//
// Solidity: function getVoterVotes(uint256 roundNumber, string peerId) view returns(string[])
func (swarmCoordinator *SwarmCoordinator) UnpackGetVoterVotes(data []byte) ([]string, error) {
	out, err := swarmCoordinator.abi.Unpack("getVoterVotes", data)
	if err != nil {
		return *new([]string), err
	}
	out0 := *abi.ConvertType(out[0], new([]string)).(*[]string)
	return out0, nil
}

// PackGrantRole is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2f2ff15d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function grantRole(bytes32 role, address account) returns()
func (swarmCoordinator *SwarmCoordinator) PackGrantRole(role [32]byte, account common.Address) []byte {
	enc, err := swarmCoordinator.abi.Pack("grantRole", role, account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGrantRole is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2f2ff15d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function grantRole(bytes32 role, address account) returns()
func (swarmCoordinator *SwarmCoordinator) TryPackGrantRole(role [32]byte, account common.Address) ([]byte, error) {
	return swarmCoordinator.abi.Pack("grantRole", role, account)
}

// PackHasRole is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x91d14854.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function hasRole(bytes32 role, address account) view returns(bool)
func (swarmCoordinator *SwarmCoordinator) PackHasRole(role [32]byte, account common.Address) []byte {
	enc, err := swarmCoordinator.abi.Pack("hasRole", role, account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackHasRole is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x91d14854.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function hasRole(bytes32 role, address account) view returns(bool)
func (swarmCoordinator *SwarmCoordinator) TryPackHasRole(role [32]byte, account common.Address) ([]byte, error) {
	return swarmCoordinator.abi.Pack("hasRole", role, account)
}

// UnpackHasRole is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x91d14854.
//
// Solidity: function hasRole(bytes32 role, address account) view returns(bool)
func (swarmCoordinator *SwarmCoordinator) UnpackHasRole(data []byte) (bool, error) {
	out, err := swarmCoordinator.abi.Unpack("hasRole", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackHasSubmittedRoundStageReward is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1fcaf676.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function hasSubmittedRoundStageReward(uint256 roundNumber, uint256 stageNumber, string peerId) view returns(bool)
func (swarmCoordinator *SwarmCoordinator) PackHasSubmittedRoundStageReward(roundNumber *big.Int, stageNumber *big.Int, peerId string) []byte {
	enc, err := swarmCoordinator.abi.Pack("hasSubmittedRoundStageReward", roundNumber, stageNumber, peerId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackHasSubmittedRoundStageReward is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1fcaf676.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function hasSubmittedRoundStageReward(uint256 roundNumber, uint256 stageNumber, string peerId) view returns(bool)
func (swarmCoordinator *SwarmCoordinator) TryPackHasSubmittedRoundStageReward(roundNumber *big.Int, stageNumber *big.Int, peerId string) ([]byte, error) {
	return swarmCoordinator.abi.Pack("hasSubmittedRoundStageReward", roundNumber, stageNumber, peerId)
}

// UnpackHasSubmittedRoundStageReward is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x1fcaf676.
//
// Solidity: function hasSubmittedRoundStageReward(uint256 roundNumber, uint256 stageNumber, string peerId) view returns(bool)
func (swarmCoordinator *SwarmCoordinator) UnpackHasSubmittedRoundStageReward(data []byte) (bool, error) {
	out, err := swarmCoordinator.abi.Unpack("hasSubmittedRoundStageReward", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackRegisterPeer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x33e7fb45.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function registerPeer(string peerId) returns()
func (swarmCoordinator *SwarmCoordinator) PackRegisterPeer(peerId string) []byte {
	enc, err := swarmCoordinator.abi.Pack("registerPeer", peerId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRegisterPeer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x33e7fb45.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function registerPeer(string peerId) returns()
func (swarmCoordinator *SwarmCoordinator) TryPackRegisterPeer(peerId string) ([]byte, error) {
	return swarmCoordinator.abi.Pack("registerPeer", peerId)
}

// PackRemoveBootnode is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4f52ca36.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function removeBootnode(uint256 index) returns()
func (swarmCoordinator *SwarmCoordinator) PackRemoveBootnode(index *big.Int) []byte {
	enc, err := swarmCoordinator.abi.Pack("removeBootnode", index)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRemoveBootnode is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4f52ca36.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function removeBootnode(uint256 index) returns()
func (swarmCoordinator *SwarmCoordinator) TryPackRemoveBootnode(index *big.Int) ([]byte, error) {
	return swarmCoordinator.abi.Pack("removeBootnode", index)
}

// PackRevokeRole is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd547741f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function revokeRole(bytes32 role, address account) returns()
func (swarmCoordinator *SwarmCoordinator) PackRevokeRole(role [32]byte, account common.Address) []byte {
	enc, err := swarmCoordinator.abi.Pack("revokeRole", role, account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRevokeRole is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd547741f.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function revokeRole(bytes32 role, address account) returns()
func (swarmCoordinator *SwarmCoordinator) TryPackRevokeRole(role [32]byte, account common.Address) ([]byte, error) {
	return swarmCoordinator.abi.Pack("revokeRole", role, account)
}

// PackStageCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf33261ac.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function stageCount() pure returns(uint256)
func (swarmCoordinator *SwarmCoordinator) PackStageCount() []byte {
	enc, err := swarmCoordinator.abi.Pack("stageCount")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackStageCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf33261ac.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function stageCount() pure returns(uint256)
func (swarmCoordinator *SwarmCoordinator) TryPackStageCount() ([]byte, error) {
	return swarmCoordinator.abi.Pack("stageCount")
}

// UnpackStageCount is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf33261ac.
//
// Solidity: function stageCount() pure returns(uint256)
func (swarmCoordinator *SwarmCoordinator) UnpackStageCount(data []byte) (*big.Int, error) {
	out, err := swarmCoordinator.abi.Unpack("stageCount", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackSubmitReward is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06ca2dd3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function submitReward(uint256 roundNumber, uint256 stageNumber, uint256 reward, string peerId) returns()
func (swarmCoordinator *SwarmCoordinator) PackSubmitReward(roundNumber *big.Int, stageNumber *big.Int, reward *big.Int, peerId string) []byte {
	enc, err := swarmCoordinator.abi.Pack("submitReward", roundNumber, stageNumber, reward, peerId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSubmitReward is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06ca2dd3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function submitReward(uint256 roundNumber, uint256 stageNumber, uint256 reward, string peerId) returns()
func (swarmCoordinator *SwarmCoordinator) TryPackSubmitReward(roundNumber *big.Int, stageNumber *big.Int, reward *big.Int, peerId string) ([]byte, error) {
	return swarmCoordinator.abi.Pack("submitReward", roundNumber, stageNumber, reward, peerId)
}

// PackSubmitReward0 is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5194e15f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function submitReward(uint256 roundNumber, uint256 stageNumber, int256 reward, string peerId) returns()
func (swarmCoordinator *SwarmCoordinator) PackSubmitReward0(roundNumber *big.Int, stageNumber *big.Int, reward *big.Int, peerId string) []byte {
	enc, err := swarmCoordinator.abi.Pack("submitReward0", roundNumber, stageNumber, reward, peerId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSubmitReward0 is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5194e15f.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function submitReward(uint256 roundNumber, uint256 stageNumber, int256 reward, string peerId) returns()
func (swarmCoordinator *SwarmCoordinator) TryPackSubmitReward0(roundNumber *big.Int, stageNumber *big.Int, reward *big.Int, peerId string) ([]byte, error) {
	return swarmCoordinator.abi.Pack("submitReward0", roundNumber, stageNumber, reward, peerId)
}

// PackSubmitWinners is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfbe94d68.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function submitWinners(uint256 roundNumber, string[] winners, string peerId) returns()
func (swarmCoordinator *SwarmCoordinator) PackSubmitWinners(roundNumber *big.Int, winners []string, peerId string) []byte {
	enc, err := swarmCoordinator.abi.Pack("submitWinners", roundNumber, winners, peerId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSubmitWinners is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfbe94d68.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function submitWinners(uint256 roundNumber, string[] winners, string peerId) returns()
func (swarmCoordinator *SwarmCoordinator) TryPackSubmitWinners(roundNumber *big.Int, winners []string, peerId string) ([]byte, error) {
	return swarmCoordinator.abi.Pack("submitWinners", roundNumber, winners, peerId)
}

// PackUniqueVoters is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb0c77404.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function uniqueVoters() view returns(uint256)
func (swarmCoordinator *SwarmCoordinator) PackUniqueVoters() []byte {
	enc, err := swarmCoordinator.abi.Pack("uniqueVoters")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackUniqueVoters is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb0c77404.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function uniqueVoters() view returns(uint256)
func (swarmCoordinator *SwarmCoordinator) TryPackUniqueVoters() ([]byte, error) {
	return swarmCoordinator.abi.Pack("uniqueVoters")
}

// UnpackUniqueVoters is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xb0c77404.
//
// Solidity: function uniqueVoters() view returns(uint256)
func (swarmCoordinator *SwarmCoordinator) UnpackUniqueVoters(data []byte) (*big.Int, error) {
	out, err := swarmCoordinator.abi.Unpack("uniqueVoters", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackUpdateStageAndRound is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe28b0586.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function updateStageAndRound() returns(uint256, uint256)
func (swarmCoordinator *SwarmCoordinator) PackUpdateStageAndRound() []byte {
	enc, err := swarmCoordinator.abi.Pack("updateStageAndRound")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackUpdateStageAndRound is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe28b0586.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function updateStageAndRound() returns(uint256, uint256)
func (swarmCoordinator *SwarmCoordinator) TryPackUpdateStageAndRound() ([]byte, error) {
	return swarmCoordinator.abi.Pack("updateStageAndRound")
}

// UpdateStageAndRoundOutput serves as a container for the return parameters of contract
// method UpdateStageAndRound.
type UpdateStageAndRoundOutput struct {
	Arg0 *big.Int
	Arg1 *big.Int
}

// UnpackUpdateStageAndRound is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xe28b0586.
//
// Solidity: function updateStageAndRound() returns(uint256, uint256)
func (swarmCoordinator *SwarmCoordinator) UnpackUpdateStageAndRound(data []byte) (UpdateStageAndRoundOutput, error) {
	out, err := swarmCoordinator.abi.Unpack("updateStageAndRound", data)
	outstruct := new(UpdateStageAndRoundOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Arg0 = abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	outstruct.Arg1 = abi.ConvertType(out[1], new(big.Int)).(*big.Int)
	return *outstruct, nil
}

// SwarmCoordinatorAllBootnodesCleared represents a AllBootnodesCleared event raised by the SwarmCoordinator contract.
type SwarmCoordinatorAllBootnodesCleared struct {
	Manager common.Address
	Raw     *types.Log // Blockchain specific contextual infos
}

const SwarmCoordinatorAllBootnodesClearedEventName = "AllBootnodesCleared"

// ContractEventName returns the user-defined event name.
func (SwarmCoordinatorAllBootnodesCleared) ContractEventName() string {
	return SwarmCoordinatorAllBootnodesClearedEventName
}

// UnpackAllBootnodesClearedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event AllBootnodesCleared(address indexed manager)
func (swarmCoordinator *SwarmCoordinator) UnpackAllBootnodesClearedEvent(log *types.Log) (*SwarmCoordinatorAllBootnodesCleared, error) {
	event := "AllBootnodesCleared"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != swarmCoordinator.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(SwarmCoordinatorAllBootnodesCleared)
	if len(log.Data) > 0 {
		if err := swarmCoordinator.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range swarmCoordinator.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// SwarmCoordinatorBootnodeRemoved represents a BootnodeRemoved event raised by the SwarmCoordinator contract.
type SwarmCoordinatorBootnodeRemoved struct {
	Manager common.Address
	Index   *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const SwarmCoordinatorBootnodeRemovedEventName = "BootnodeRemoved"

// ContractEventName returns the user-defined event name.
func (SwarmCoordinatorBootnodeRemoved) ContractEventName() string {
	return SwarmCoordinatorBootnodeRemovedEventName
}

// UnpackBootnodeRemovedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event BootnodeRemoved(address indexed manager, uint256 index)
func (swarmCoordinator *SwarmCoordinator) UnpackBootnodeRemovedEvent(log *types.Log) (*SwarmCoordinatorBootnodeRemoved, error) {
	event := "BootnodeRemoved"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != swarmCoordinator.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(SwarmCoordinatorBootnodeRemoved)
	if len(log.Data) > 0 {
		if err := swarmCoordinator.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range swarmCoordinator.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// SwarmCoordinatorBootnodesAdded represents a BootnodesAdded event raised by the SwarmCoordinator contract.
type SwarmCoordinatorBootnodesAdded struct {
	Manager common.Address
	Count   *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const SwarmCoordinatorBootnodesAddedEventName = "BootnodesAdded"

// ContractEventName returns the user-defined event name.
func (SwarmCoordinatorBootnodesAdded) ContractEventName() string {
	return SwarmCoordinatorBootnodesAddedEventName
}

// UnpackBootnodesAddedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event BootnodesAdded(address indexed manager, uint256 count)
func (swarmCoordinator *SwarmCoordinator) UnpackBootnodesAddedEvent(log *types.Log) (*SwarmCoordinatorBootnodesAdded, error) {
	event := "BootnodesAdded"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != swarmCoordinator.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(SwarmCoordinatorBootnodesAdded)
	if len(log.Data) > 0 {
		if err := swarmCoordinator.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range swarmCoordinator.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// SwarmCoordinatorCumulativeRewardsUpdated represents a CumulativeRewardsUpdated event raised by the SwarmCoordinator contract.
type SwarmCoordinatorCumulativeRewardsUpdated struct {
	Account      common.Address
	PeerId       string
	TotalRewards *big.Int
	Raw          *types.Log // Blockchain specific contextual infos
}

const SwarmCoordinatorCumulativeRewardsUpdatedEventName = "CumulativeRewardsUpdated"

// ContractEventName returns the user-defined event name.
func (SwarmCoordinatorCumulativeRewardsUpdated) ContractEventName() string {
	return SwarmCoordinatorCumulativeRewardsUpdatedEventName
}

// UnpackCumulativeRewardsUpdatedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event CumulativeRewardsUpdated(address indexed account, string peerId, int256 totalRewards)
func (swarmCoordinator *SwarmCoordinator) UnpackCumulativeRewardsUpdatedEvent(log *types.Log) (*SwarmCoordinatorCumulativeRewardsUpdated, error) {
	event := "CumulativeRewardsUpdated"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != swarmCoordinator.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(SwarmCoordinatorCumulativeRewardsUpdated)
	if len(log.Data) > 0 {
		if err := swarmCoordinator.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range swarmCoordinator.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// SwarmCoordinatorPeerRegistered represents a PeerRegistered event raised by the SwarmCoordinator contract.
type SwarmCoordinatorPeerRegistered struct {
	Eoa    common.Address
	PeerId string
	Raw    *types.Log // Blockchain specific contextual infos
}

const SwarmCoordinatorPeerRegisteredEventName = "PeerRegistered"

// ContractEventName returns the user-defined event name.
func (SwarmCoordinatorPeerRegistered) ContractEventName() string {
	return SwarmCoordinatorPeerRegisteredEventName
}

// UnpackPeerRegisteredEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event PeerRegistered(address indexed eoa, string peerId)
func (swarmCoordinator *SwarmCoordinator) UnpackPeerRegisteredEvent(log *types.Log) (*SwarmCoordinatorPeerRegistered, error) {
	event := "PeerRegistered"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != swarmCoordinator.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(SwarmCoordinatorPeerRegistered)
	if len(log.Data) > 0 {
		if err := swarmCoordinator.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range swarmCoordinator.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// SwarmCoordinatorRewardSubmitted represents a RewardSubmitted event raised by the SwarmCoordinator contract.
type SwarmCoordinatorRewardSubmitted struct {
	Account     common.Address
	RoundNumber *big.Int
	StageNumber *big.Int
	Reward      *big.Int
	PeerId      string
	Raw         *types.Log // Blockchain specific contextual infos
}

const SwarmCoordinatorRewardSubmittedEventName = "RewardSubmitted"

// ContractEventName returns the user-defined event name.
func (SwarmCoordinatorRewardSubmitted) ContractEventName() string {
	return SwarmCoordinatorRewardSubmittedEventName
}

// UnpackRewardSubmittedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event RewardSubmitted(address indexed account, uint256 indexed roundNumber, uint256 indexed stageNumber, int256 reward, string peerId)
func (swarmCoordinator *SwarmCoordinator) UnpackRewardSubmittedEvent(log *types.Log) (*SwarmCoordinatorRewardSubmitted, error) {
	event := "RewardSubmitted"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != swarmCoordinator.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(SwarmCoordinatorRewardSubmitted)
	if len(log.Data) > 0 {
		if err := swarmCoordinator.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range swarmCoordinator.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// SwarmCoordinatorRoleGranted represents a RoleGranted event raised by the SwarmCoordinator contract.
type SwarmCoordinatorRoleGranted struct {
	Role    [32]byte
	Account common.Address
	Sender  common.Address
	Raw     *types.Log // Blockchain specific contextual infos
}

const SwarmCoordinatorRoleGrantedEventName = "RoleGranted"

// ContractEventName returns the user-defined event name.
func (SwarmCoordinatorRoleGranted) ContractEventName() string {
	return SwarmCoordinatorRoleGrantedEventName
}

// UnpackRoleGrantedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)
func (swarmCoordinator *SwarmCoordinator) UnpackRoleGrantedEvent(log *types.Log) (*SwarmCoordinatorRoleGranted, error) {
	event := "RoleGranted"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != swarmCoordinator.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(SwarmCoordinatorRoleGranted)
	if len(log.Data) > 0 {
		if err := swarmCoordinator.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range swarmCoordinator.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// SwarmCoordinatorRoleRevoked represents a RoleRevoked event raised by the SwarmCoordinator contract.
type SwarmCoordinatorRoleRevoked struct {
	Role    [32]byte
	Account common.Address
	Sender  common.Address
	Raw     *types.Log // Blockchain specific contextual infos
}

const SwarmCoordinatorRoleRevokedEventName = "RoleRevoked"

// ContractEventName returns the user-defined event name.
func (SwarmCoordinatorRoleRevoked) ContractEventName() string {
	return SwarmCoordinatorRoleRevokedEventName
}

// UnpackRoleRevokedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender)
func (swarmCoordinator *SwarmCoordinator) UnpackRoleRevokedEvent(log *types.Log) (*SwarmCoordinatorRoleRevoked, error) {
	event := "RoleRevoked"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != swarmCoordinator.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(SwarmCoordinatorRoleRevoked)
	if len(log.Data) > 0 {
		if err := swarmCoordinator.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range swarmCoordinator.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// SwarmCoordinatorRoundAdvanced represents a RoundAdvanced event raised by the SwarmCoordinator contract.
type SwarmCoordinatorRoundAdvanced struct {
	NewRoundNumber *big.Int
	Raw            *types.Log // Blockchain specific contextual infos
}

const SwarmCoordinatorRoundAdvancedEventName = "RoundAdvanced"

// ContractEventName returns the user-defined event name.
func (SwarmCoordinatorRoundAdvanced) ContractEventName() string {
	return SwarmCoordinatorRoundAdvancedEventName
}

// UnpackRoundAdvancedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event RoundAdvanced(uint256 indexed newRoundNumber)
func (swarmCoordinator *SwarmCoordinator) UnpackRoundAdvancedEvent(log *types.Log) (*SwarmCoordinatorRoundAdvanced, error) {
	event := "RoundAdvanced"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != swarmCoordinator.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(SwarmCoordinatorRoundAdvanced)
	if len(log.Data) > 0 {
		if err := swarmCoordinator.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range swarmCoordinator.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// SwarmCoordinatorStageAdvanced represents a StageAdvanced event raised by the SwarmCoordinator contract.
type SwarmCoordinatorStageAdvanced struct {
	RoundNumber *big.Int
	NewStage    *big.Int
	Raw         *types.Log // Blockchain specific contextual infos
}

const SwarmCoordinatorStageAdvancedEventName = "StageAdvanced"

// ContractEventName returns the user-defined event name.
func (SwarmCoordinatorStageAdvanced) ContractEventName() string {
	return SwarmCoordinatorStageAdvancedEventName
}

// UnpackStageAdvancedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event StageAdvanced(uint256 indexed roundNumber, uint256 newStage)
func (swarmCoordinator *SwarmCoordinator) UnpackStageAdvancedEvent(log *types.Log) (*SwarmCoordinatorStageAdvanced, error) {
	event := "StageAdvanced"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != swarmCoordinator.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(SwarmCoordinatorStageAdvanced)
	if len(log.Data) > 0 {
		if err := swarmCoordinator.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range swarmCoordinator.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// SwarmCoordinatorWinnerSubmitted represents a WinnerSubmitted event raised by the SwarmCoordinator contract.
type SwarmCoordinatorWinnerSubmitted struct {
	Account     common.Address
	PeerId      string
	RoundNumber *big.Int
	Winners     []string
	Raw         *types.Log // Blockchain specific contextual infos
}

const SwarmCoordinatorWinnerSubmittedEventName = "WinnerSubmitted"

// ContractEventName returns the user-defined event name.
func (SwarmCoordinatorWinnerSubmitted) ContractEventName() string {
	return SwarmCoordinatorWinnerSubmittedEventName
}

// UnpackWinnerSubmittedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event WinnerSubmitted(address indexed account, string peerId, uint256 indexed roundNumber, string[] winners)
func (swarmCoordinator *SwarmCoordinator) UnpackWinnerSubmittedEvent(log *types.Log) (*SwarmCoordinatorWinnerSubmitted, error) {
	event := "WinnerSubmitted"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != swarmCoordinator.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(SwarmCoordinatorWinnerSubmitted)
	if len(log.Data) > 0 {
		if err := swarmCoordinator.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range swarmCoordinator.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (swarmCoordinator *SwarmCoordinator) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], swarmCoordinator.abi.Errors["InvalidBootnodeIndex"].ID.Bytes()[:4]) {
		return swarmCoordinator.UnpackInvalidBootnodeIndexError(raw[4:])
	}
	if bytes.Equal(raw[:4], swarmCoordinator.abi.Errors["InvalidRoundNumber"].ID.Bytes()[:4]) {
		return swarmCoordinator.UnpackInvalidRoundNumberError(raw[4:])
	}
	if bytes.Equal(raw[:4], swarmCoordinator.abi.Errors["InvalidStageNumber"].ID.Bytes()[:4]) {
		return swarmCoordinator.UnpackInvalidStageNumberError(raw[4:])
	}
	if bytes.Equal(raw[:4], swarmCoordinator.abi.Errors["InvalidVote"].ID.Bytes()[:4]) {
		return swarmCoordinator.UnpackInvalidVoteError(raw[4:])
	}
	if bytes.Equal(raw[:4], swarmCoordinator.abi.Errors["InvalidVoterPeerId"].ID.Bytes()[:4]) {
		return swarmCoordinator.UnpackInvalidVoterPeerIdError(raw[4:])
	}
	if bytes.Equal(raw[:4], swarmCoordinator.abi.Errors["OnlyBootnodeManager"].ID.Bytes()[:4]) {
		return swarmCoordinator.UnpackOnlyBootnodeManagerError(raw[4:])
	}
	if bytes.Equal(raw[:4], swarmCoordinator.abi.Errors["OnlyOwner"].ID.Bytes()[:4]) {
		return swarmCoordinator.UnpackOnlyOwnerError(raw[4:])
	}
	if bytes.Equal(raw[:4], swarmCoordinator.abi.Errors["OnlyStageManager"].ID.Bytes()[:4]) {
		return swarmCoordinator.UnpackOnlyStageManagerError(raw[4:])
	}
	if bytes.Equal(raw[:4], swarmCoordinator.abi.Errors["PeerIdAlreadyRegistered"].ID.Bytes()[:4]) {
		return swarmCoordinator.UnpackPeerIdAlreadyRegisteredError(raw[4:])
	}
	if bytes.Equal(raw[:4], swarmCoordinator.abi.Errors["RewardAlreadySubmitted"].ID.Bytes()[:4]) {
		return swarmCoordinator.UnpackRewardAlreadySubmittedError(raw[4:])
	}
	if bytes.Equal(raw[:4], swarmCoordinator.abi.Errors["StageOutOfBounds"].ID.Bytes()[:4]) {
		return swarmCoordinator.UnpackStageOutOfBoundsError(raw[4:])
	}
	if bytes.Equal(raw[:4], swarmCoordinator.abi.Errors["WinnerAlreadyVoted"].ID.Bytes()[:4]) {
		return swarmCoordinator.UnpackWinnerAlreadyVotedError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// SwarmCoordinatorInvalidBootnodeIndex represents a InvalidBootnodeIndex error raised by the SwarmCoordinator contract.
type SwarmCoordinatorInvalidBootnodeIndex struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidBootnodeIndex()
func SwarmCoordinatorInvalidBootnodeIndexErrorID() common.Hash {
	return common.HexToHash("0x7d8aaf0e8a67e996f466afb5f08b4ca44eb8dd0a7874c5530526850f842e46a1")
}

// UnpackInvalidBootnodeIndexError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidBootnodeIndex()
func (swarmCoordinator *SwarmCoordinator) UnpackInvalidBootnodeIndexError(raw []byte) (*SwarmCoordinatorInvalidBootnodeIndex, error) {
	out := new(SwarmCoordinatorInvalidBootnodeIndex)
	if err := swarmCoordinator.abi.UnpackIntoInterface(out, "InvalidBootnodeIndex", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SwarmCoordinatorInvalidRoundNumber represents a InvalidRoundNumber error raised by the SwarmCoordinator contract.
type SwarmCoordinatorInvalidRoundNumber struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidRoundNumber()
func SwarmCoordinatorInvalidRoundNumberErrorID() common.Hash {
	return common.HexToHash("0x4197f6eafc57699b2c47485d29ec6a7983bf4558f09f3363fb614ed3a84ab91e")
}

// UnpackInvalidRoundNumberError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidRoundNumber()
func (swarmCoordinator *SwarmCoordinator) UnpackInvalidRoundNumberError(raw []byte) (*SwarmCoordinatorInvalidRoundNumber, error) {
	out := new(SwarmCoordinatorInvalidRoundNumber)
	if err := swarmCoordinator.abi.UnpackIntoInterface(out, "InvalidRoundNumber", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SwarmCoordinatorInvalidStageNumber represents a InvalidStageNumber error raised by the SwarmCoordinator contract.
type SwarmCoordinatorInvalidStageNumber struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidStageNumber()
func SwarmCoordinatorInvalidStageNumberErrorID() common.Hash {
	return common.HexToHash("0xf7d20563cafaea62655d86d2dd7f55525faf893e8891835158405c4d170763c0")
}

// UnpackInvalidStageNumberError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidStageNumber()
func (swarmCoordinator *SwarmCoordinator) UnpackInvalidStageNumberError(raw []byte) (*SwarmCoordinatorInvalidStageNumber, error) {
	out := new(SwarmCoordinatorInvalidStageNumber)
	if err := swarmCoordinator.abi.UnpackIntoInterface(out, "InvalidStageNumber", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SwarmCoordinatorInvalidVote represents a InvalidVote error raised by the SwarmCoordinator contract.
type SwarmCoordinatorInvalidVote struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidVote()
func SwarmCoordinatorInvalidVoteErrorID() common.Hash {
	return common.HexToHash("0xd5dd0c661122f842296da8cfe60b4b2a9dd4775be5135a37ad93de0a041435a1")
}

// UnpackInvalidVoteError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidVote()
func (swarmCoordinator *SwarmCoordinator) UnpackInvalidVoteError(raw []byte) (*SwarmCoordinatorInvalidVote, error) {
	out := new(SwarmCoordinatorInvalidVote)
	if err := swarmCoordinator.abi.UnpackIntoInterface(out, "InvalidVote", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SwarmCoordinatorInvalidVoterPeerId represents a InvalidVoterPeerId error raised by the SwarmCoordinator contract.
type SwarmCoordinatorInvalidVoterPeerId struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidVoterPeerId()
func SwarmCoordinatorInvalidVoterPeerIdErrorID() common.Hash {
	return common.HexToHash("0x1614b50c305072a092e226c08826c218d9ca670a5666d854d1c2fe3dc5240055")
}

// UnpackInvalidVoterPeerIdError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidVoterPeerId()
func (swarmCoordinator *SwarmCoordinator) UnpackInvalidVoterPeerIdError(raw []byte) (*SwarmCoordinatorInvalidVoterPeerId, error) {
	out := new(SwarmCoordinatorInvalidVoterPeerId)
	if err := swarmCoordinator.abi.UnpackIntoInterface(out, "InvalidVoterPeerId", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SwarmCoordinatorOnlyBootnodeManager represents a OnlyBootnodeManager error raised by the SwarmCoordinator contract.
type SwarmCoordinatorOnlyBootnodeManager struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error OnlyBootnodeManager()
func SwarmCoordinatorOnlyBootnodeManagerErrorID() common.Hash {
	return common.HexToHash("0x014c1cb52c64389b95284de189187f0d831f1b55e4466d40a4f5fda68f47fead")
}

// UnpackOnlyBootnodeManagerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error OnlyBootnodeManager()
func (swarmCoordinator *SwarmCoordinator) UnpackOnlyBootnodeManagerError(raw []byte) (*SwarmCoordinatorOnlyBootnodeManager, error) {
	out := new(SwarmCoordinatorOnlyBootnodeManager)
	if err := swarmCoordinator.abi.UnpackIntoInterface(out, "OnlyBootnodeManager", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SwarmCoordinatorOnlyOwner represents a OnlyOwner error raised by the SwarmCoordinator contract.
type SwarmCoordinatorOnlyOwner struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error OnlyOwner()
func SwarmCoordinatorOnlyOwnerErrorID() common.Hash {
	return common.HexToHash("0x5fc483c5fcd3811670a93392f365a32f0fc9e73013bbed53888646cfd592055f")
}

// UnpackOnlyOwnerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error OnlyOwner()
func (swarmCoordinator *SwarmCoordinator) UnpackOnlyOwnerError(raw []byte) (*SwarmCoordinatorOnlyOwner, error) {
	out := new(SwarmCoordinatorOnlyOwner)
	if err := swarmCoordinator.abi.UnpackIntoInterface(out, "OnlyOwner", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SwarmCoordinatorOnlyStageManager represents a OnlyStageManager error raised by the SwarmCoordinator contract.
type SwarmCoordinatorOnlyStageManager struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error OnlyStageManager()
func SwarmCoordinatorOnlyStageManagerErrorID() common.Hash {
	return common.HexToHash("0x0719ac8c76b578059290f03eb3bfefa282c4b229635749382fb3b07a670ad14c")
}

// UnpackOnlyStageManagerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error OnlyStageManager()
func (swarmCoordinator *SwarmCoordinator) UnpackOnlyStageManagerError(raw []byte) (*SwarmCoordinatorOnlyStageManager, error) {
	out := new(SwarmCoordinatorOnlyStageManager)
	if err := swarmCoordinator.abi.UnpackIntoInterface(out, "OnlyStageManager", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SwarmCoordinatorPeerIdAlreadyRegistered represents a PeerIdAlreadyRegistered error raised by the SwarmCoordinator contract.
type SwarmCoordinatorPeerIdAlreadyRegistered struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error PeerIdAlreadyRegistered()
func SwarmCoordinatorPeerIdAlreadyRegisteredErrorID() common.Hash {
	return common.HexToHash("0x723dc6752c7d9641c047fee4921167c9e586b912deceb860be80cf363ad82693")
}

// UnpackPeerIdAlreadyRegisteredError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error PeerIdAlreadyRegistered()
func (swarmCoordinator *SwarmCoordinator) UnpackPeerIdAlreadyRegisteredError(raw []byte) (*SwarmCoordinatorPeerIdAlreadyRegistered, error) {
	out := new(SwarmCoordinatorPeerIdAlreadyRegistered)
	if err := swarmCoordinator.abi.UnpackIntoInterface(out, "PeerIdAlreadyRegistered", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SwarmCoordinatorRewardAlreadySubmitted represents a RewardAlreadySubmitted error raised by the SwarmCoordinator contract.
type SwarmCoordinatorRewardAlreadySubmitted struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error RewardAlreadySubmitted()
func SwarmCoordinatorRewardAlreadySubmittedErrorID() common.Hash {
	return common.HexToHash("0xe39ce02e91407b52e062f7f15dd7d04d43b180f2e6895697b9d93c9aa2f6259e")
}

// UnpackRewardAlreadySubmittedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error RewardAlreadySubmitted()
func (swarmCoordinator *SwarmCoordinator) UnpackRewardAlreadySubmittedError(raw []byte) (*SwarmCoordinatorRewardAlreadySubmitted, error) {
	out := new(SwarmCoordinatorRewardAlreadySubmitted)
	if err := swarmCoordinator.abi.UnpackIntoInterface(out, "RewardAlreadySubmitted", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SwarmCoordinatorStageOutOfBounds represents a StageOutOfBounds error raised by the SwarmCoordinator contract.
type SwarmCoordinatorStageOutOfBounds struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error StageOutOfBounds()
func SwarmCoordinatorStageOutOfBoundsErrorID() common.Hash {
	return common.HexToHash("0xfc4e0d7cc55ee37dce372ab22408b43d496fa02c5e120b2a2eb667226c09c68c")
}

// UnpackStageOutOfBoundsError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error StageOutOfBounds()
func (swarmCoordinator *SwarmCoordinator) UnpackStageOutOfBoundsError(raw []byte) (*SwarmCoordinatorStageOutOfBounds, error) {
	out := new(SwarmCoordinatorStageOutOfBounds)
	if err := swarmCoordinator.abi.UnpackIntoInterface(out, "StageOutOfBounds", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// SwarmCoordinatorWinnerAlreadyVoted represents a WinnerAlreadyVoted error raised by the SwarmCoordinator contract.
type SwarmCoordinatorWinnerAlreadyVoted struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error WinnerAlreadyVoted()
func SwarmCoordinatorWinnerAlreadyVotedErrorID() common.Hash {
	return common.HexToHash("0x3d51d827854fdcc07b8270a0b5b8c9cceb9928fc7aae2bb2276667632a1ea167")
}

// UnpackWinnerAlreadyVotedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error WinnerAlreadyVoted()
func (swarmCoordinator *SwarmCoordinator) UnpackWinnerAlreadyVotedError(raw []byte) (*SwarmCoordinatorWinnerAlreadyVoted, error) {
	out := new(SwarmCoordinatorWinnerAlreadyVoted)
	if err := swarmCoordinator.abi.UnpackIntoInterface(out, "WinnerAlreadyVoted", raw); err != nil {
		return nil, err
	}
	return out, nil
}
