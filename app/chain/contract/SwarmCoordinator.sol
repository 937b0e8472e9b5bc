// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title SwarmCoordinator (swarmdesk)
/// @notice Coordinates a decentralized RL swarm: rounds and stages, peer
/// registration, bootnodes, per-round rewards and winner votes.
/// @dev Written for swarmdesk with the same external interface, events, errors
/// and rules as Gensyn rl-swarm's SwarmCoordinator v0.6.0, so that one Go
/// binding can talk to both. Differences: it is not an upgradeable proxy (the
/// owner is set in the constructor instead of initialize), and peer-ID keyed
/// storage uses the same string mappings.
contract SwarmCoordinator {
    // ---------------------------------------------------------------- state

    uint256 private _currentRound;
    uint256 private _currentStage;
    /// @dev v0.6.0 uses a single stage per round.
    uint256 private constant _STAGE_COUNT = 1;

    mapping(address => string[]) private _eoaToPeerId;
    mapping(string => address) private _peerIdToEoa;

    mapping(string => uint256) private _totalWins;
    mapping(uint256 => mapping(string => string[])) private _roundVotes;
    mapping(string => uint256) private _voterVoteCounts;
    uint256 private _uniqueVoters;

    string[] private _bootnodes;

    mapping(uint256 => mapping(uint256 => mapping(address => int256))) private _roundStageRewards;
    mapping(uint256 => mapping(uint256 => mapping(string => bool))) private _hasSubmittedRoundStageReward;
    mapping(string => int256) private _totalRewards;

    mapping(bytes32 => mapping(address => bool)) private _roles;

    /// @dev A proof holds the peer's public key and its signature; an
    /// RSA-8192 key (the largest libp2p accepts) needs about 2.1 kB.
    uint256 private constant _MAX_PROOF_BYTES = 4096;

    /// @dev Proof-carrying claims of a peer ID (see registerPeerWithProof):
    /// claimants in claim order, their proofs, and per-claim submission
    /// state, so that no claimant's submissions can block another's.
    mapping(string => address[]) private _claimants;
    mapping(string => mapping(address => bytes)) private _proofs;
    mapping(uint256 => mapping(uint256 => mapping(string => mapping(address => bool)))) private _claimRewarded;
    mapping(uint256 => mapping(string => mapping(address => bool))) private _claimVoted;
    mapping(string => mapping(address => int256)) private _claimRewards;

    bytes32 public constant OWNER_ROLE = keccak256("OWNER_ROLE");
    bytes32 public constant BOOTNODE_MANAGER_ROLE = keccak256("BOOTNODE_MANAGER_ROLE");
    bytes32 public constant STAGE_MANAGER_ROLE = keccak256("STAGE_MANAGER_ROLE");

    // --------------------------------------------------------------- events

    event StageAdvanced(uint256 indexed roundNumber, uint256 newStage);
    event RoundAdvanced(uint256 indexed newRoundNumber);
    event PeerRegistered(address indexed eoa, string peerId);
    event BootnodesAdded(address indexed manager, uint256 count);
    event BootnodeRemoved(address indexed manager, uint256 index);
    event AllBootnodesCleared(address indexed manager);
    event WinnerSubmitted(address indexed account, string peerId, uint256 indexed roundNumber, string[] winners);
    event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender);
    event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender);
    event RewardSubmitted(
        address indexed account, uint256 indexed roundNumber, uint256 indexed stageNumber, int256 reward, string peerId
    );
    event CumulativeRewardsUpdated(address indexed account, string peerId, int256 totalRewards);
    event PeerProofRegistered(address indexed eoa, string peerId, bytes proof);

    // --------------------------------------------------------------- errors

    error StageOutOfBounds();
    error InvalidBootnodeIndex();
    error InvalidRoundNumber();
    error WinnerAlreadyVoted();
    error PeerIdAlreadyRegistered();
    error InvalidVoterPeerId();
    error OnlyOwner();
    error OnlyBootnodeManager();
    error OnlyStageManager();
    error RewardAlreadySubmitted();
    error InvalidStageNumber();
    error InvalidVote();
    error InvalidProof();

    // ------------------------------------------------------------ modifiers

    modifier onlyOwner() {
        if (!_roles[OWNER_ROLE][msg.sender]) revert OnlyOwner();
        _;
    }

    modifier onlyStageManager() {
        if (!_roles[STAGE_MANAGER_ROLE][msg.sender]) revert OnlyStageManager();
        _;
    }

    modifier onlyBootnodeManager() {
        if (!_roles[BOOTNODE_MANAGER_ROLE][msg.sender]) revert OnlyBootnodeManager();
        _;
    }

    /// @param owner_ receives the owner, stage manager and bootnode manager roles.
    constructor(address owner_) {
        _grantRole(OWNER_ROLE, owner_);
        _grantRole(STAGE_MANAGER_ROLE, owner_);
        _grantRole(BOOTNODE_MANAGER_ROLE, owner_);
    }

    // ---------------------------------------------------------------- roles

    function _grantRole(bytes32 role, address account) internal {
        _roles[role][account] = true;
        emit RoleGranted(role, account, msg.sender);
    }

    /// @notice Grants a role; only the owner may do this.
    function grantRole(bytes32 role, address account) public onlyOwner {
        _grantRole(role, account);
    }

    /// @notice Revokes a role; only the owner may do this.
    function revokeRole(bytes32 role, address account) public onlyOwner {
        _roles[role][account] = false;
        emit RoleRevoked(role, account, msg.sender);
    }

    /// @notice Reports whether an account holds a role.
    function hasRole(bytes32 role, address account) public view returns (bool) {
        return _roles[role][account];
    }

    // ------------------------------------------------------- rounds, stages

    function currentRound() public view returns (uint256) {
        return _currentRound;
    }

    function currentStage() public view returns (uint256) {
        return _currentStage;
    }

    function stageCount() public pure returns (uint256) {
        return _STAGE_COUNT;
    }

    /// @notice Moves to the next stage, or to stage 0 of the next round after the last stage.
    function updateStageAndRound() external onlyStageManager returns (uint256, uint256) {
        if (_currentStage + 1 >= _STAGE_COUNT) {
            _currentRound++;
            _currentStage = 0;
            emit RoundAdvanced(_currentRound);
        } else {
            _currentStage = _currentStage + 1;
        }
        emit StageAdvanced(_currentRound, _currentStage);
        return (_currentRound, _currentStage);
    }

    // ---------------------------------------------------------------- peers

    /// @notice Claims a peer ID for the caller, without proof (v0.6.0's call, kept for
    /// existing callers): the first claimer is named by getEoa. swarmdesk readers treat a
    /// claim without a valid proof as not a member; see registerPeerWithProof.
    function registerPeer(string calldata peerId) external {
        if (_peerIdToEoa[peerId] != address(0)) revert PeerIdAlreadyRegistered();
        _eoaToPeerId[msg.sender].push(peerId);
        _peerIdToEoa[peerId] = msg.sender;
        emit PeerRegistered(msg.sender, peerId);
    }

    /// @notice Claims a peer ID with a proof of owning its libp2p key.
    /// @dev Squatting defence. registerPeer lets the first account to name a
    /// peer ID own it, so anyone could lock the real owner out. Here a claim
    /// carries `proof`: the peer's libp2p public key and its signature over
    /// a domain-separated message naming the chain id, this contract and the
    /// claiming account (app/chain/peerproof.go has the format). The EVM
    /// cannot check RSA or ed25519 signatures cheaply, so the contract only
    /// stores the proof; every reader checks it against the
    /// public key inside the peer ID and treats claims without a valid proof
    /// as not members. Claims are kept per (peer ID, account) and never
    /// refused for being second, so an earlier squatter (with registerPeer,
    /// or with a garbage proof) cannot lock the owner out: the owner's claim
    /// is added beside it, may submit rewards and votes for the peer ID
    /// (recorded per claim, so the squatter's submissions block nothing),
    /// and readers pick the first claim whose proof verifies. getEoa keeps
    /// naming the first claimant, as for existing callers.
    function registerPeerWithProof(string calldata peerId, bytes calldata proof) external {
        if (proof.length == 0 || proof.length > _MAX_PROOF_BYTES) revert InvalidProof();
        if (_proofs[peerId][msg.sender].length != 0) revert PeerIdAlreadyRegistered();
        _proofs[peerId][msg.sender] = proof;
        _claimants[peerId].push(msg.sender);
        address first = _peerIdToEoa[peerId];
        if (first == address(0)) {
            _peerIdToEoa[peerId] = msg.sender;
        }
        if (first != msg.sender) {
            _eoaToPeerId[msg.sender].push(peerId);
        }
        emit PeerRegistered(msg.sender, peerId);
        emit PeerProofRegistered(msg.sender, peerId, proof);
    }

    /// @notice The proof-carrying claims of each peer ID, in claim order.
    function getPeerClaims(string[] calldata peerIds)
        external
        view
        returns (address[][] memory eoas, bytes[][] memory proofs)
    {
        eoas = new address[][](peerIds.length);
        proofs = new bytes[][](peerIds.length);
        for (uint256 i = 0; i < peerIds.length; i++) {
            address[] storage cs = _claimants[peerIds[i]];
            eoas[i] = cs;
            proofs[i] = new bytes[](cs.length);
            for (uint256 j = 0; j < cs.length; j++) {
                proofs[i][j] = _proofs[peerIds[i]][cs[j]];
            }
        }
    }

    /// @notice The cumulative reward each (peer ID, account) claim submitted.
    function getClaimRewards(string[] calldata peerIds, address[] calldata eoas)
        external
        view
        returns (int256[] memory rewards)
    {
        if (peerIds.length != eoas.length) revert InvalidVoterPeerId();
        rewards = new int256[](peerIds.length);
        for (uint256 i = 0; i < peerIds.length; i++) {
            rewards[i] = _claimRewards[peerIds[i]][eoas[i]];
        }
    }

    /// @notice Whether account's claim of peerId submitted its reward for (round, stage).
    function hasClaimSubmittedReward(uint256 roundNumber, uint256 stageNumber, string calldata peerId, address account)
        external
        view
        returns (bool)
    {
        return _claimRewarded[roundNumber][stageNumber][peerId][account];
    }

    /// @notice Whether account's claim of peerId voted in round.
    function hasClaimVoted(uint256 roundNumber, string calldata peerId, address account) external view returns (bool) {
        return _claimVoted[roundNumber][peerId][account];
    }

    /// @dev Whether account may submit for peerId: the first claimant, or
    /// any account that claimed it with a proof.
    function _mayActFor(string calldata peerId, address account) internal view returns (bool) {
        return _peerIdToEoa[peerId] == account || _proofs[peerId][account].length != 0;
    }

    function getPeerId(address[] calldata eoas) external view returns (string[][] memory) {
        string[][] memory peerIds = new string[][](eoas.length);
        for (uint256 i = 0; i < eoas.length; i++) {
            peerIds[i] = _eoaToPeerId[eoas[i]];
        }
        return peerIds;
    }

    function getEoa(string[] calldata peerIds) external view returns (address[] memory) {
        address[] memory eoas = new address[](peerIds.length);
        for (uint256 i = 0; i < peerIds.length; i++) {
            eoas[i] = _peerIdToEoa[peerIds[i]];
        }
        return eoas;
    }

    // ------------------------------------------------------------ bootnodes

    function addBootnodes(string[] calldata newBootnodes) external onlyBootnodeManager {
        for (uint256 i = 0; i < newBootnodes.length; i++) {
            _bootnodes.push(newBootnodes[i]);
        }
        emit BootnodesAdded(msg.sender, newBootnodes.length);
    }

    function removeBootnode(uint256 index) external onlyBootnodeManager {
        uint256 n = _bootnodes.length;
        if (index >= n) revert InvalidBootnodeIndex();
        if (index < n - 1) {
            _bootnodes[index] = _bootnodes[n - 1];
        }
        _bootnodes.pop();
        emit BootnodeRemoved(msg.sender, index);
    }

    function clearBootnodes() external onlyBootnodeManager {
        delete _bootnodes;
        emit AllBootnodesCleared(msg.sender);
    }

    function getBootnodes() external view returns (string[] memory) {
        return _bootnodes;
    }

    function getBootnodesCount() external view returns (uint256) {
        return _bootnodes.length;
    }

    // -------------------------------------------------------------- winners

    /// @notice Records the caller's vote (peerId is the voter) for a round's winners.
    function submitWinners(uint256 roundNumber, string[] memory winners, string calldata peerId) external {
        if (roundNumber > _currentRound) revert InvalidRoundNumber();
        if (_claimVoted[roundNumber][peerId][msg.sender]) revert WinnerAlreadyVoted();
        if (!_mayActFor(peerId, msg.sender)) revert InvalidVoterPeerId();
        for (uint256 i = 0; i < winners.length; i++) {
            for (uint256 j = i + 1; j < winners.length; j++) {
                if (keccak256(bytes(winners[i])) == keccak256(bytes(winners[j]))) revert InvalidVote();
            }
        }
        _claimVoted[roundNumber][peerId][msg.sender] = true;
        _roundVotes[roundNumber][peerId] = winners;
        if (_voterVoteCounts[peerId] == 0) {
            _uniqueVoters++;
        }
        _voterVoteCounts[peerId]++;
        for (uint256 i = 0; i < winners.length; i++) {
            _totalWins[winners[i]]++;
        }
        emit WinnerSubmitted(msg.sender, peerId, roundNumber, winners);
    }

    function getVoterVotes(uint256 roundNumber, string calldata peerId) external view returns (string[] memory) {
        return _roundVotes[roundNumber][peerId];
    }

    function getVoterVoteCount(string calldata peerId) external view returns (uint256) {
        return _voterVoteCounts[peerId];
    }

    function getTotalWins(string calldata peerId) external view returns (uint256) {
        return _totalWins[peerId];
    }

    function uniqueVoters() external view returns (uint256) {
        return _uniqueVoters;
    }

    // -------------------------------------------------------------- rewards

    /// @notice uint256 overload kept for ABI compatibility with v0.6.0.
    function submitReward(uint256 roundNumber, uint256 stageNumber, uint256 reward, string calldata peerId) external {
        submitReward(roundNumber, stageNumber, int256(reward), peerId);
    }

    /// @notice Records the caller's reward for (round, stage); once per peer ID.
    /// @dev As in v0.6.0, a past round accepts stageNumber <= stageCount.
    function submitReward(uint256 roundNumber, uint256 stageNumber, int256 reward, string calldata peerId) public {
        if (roundNumber > _currentRound) revert InvalidRoundNumber();
        if (roundNumber == _currentRound) {
            if (stageNumber > _currentStage) revert InvalidStageNumber();
        } else {
            if (stageNumber > _STAGE_COUNT) revert InvalidStageNumber();
        }
        if (_claimRewarded[roundNumber][stageNumber][peerId][msg.sender]) revert RewardAlreadySubmitted();
        if (!_mayActFor(peerId, msg.sender)) revert InvalidVoterPeerId();

        _roundStageRewards[roundNumber][stageNumber][msg.sender] += reward;
        _hasSubmittedRoundStageReward[roundNumber][stageNumber][peerId] = true;
        _claimRewarded[roundNumber][stageNumber][peerId][msg.sender] = true;
        _totalRewards[peerId] += reward;
        _claimRewards[peerId][msg.sender] += reward;

        emit RewardSubmitted(msg.sender, roundNumber, stageNumber, reward, peerId);
        emit CumulativeRewardsUpdated(msg.sender, peerId, _totalRewards[peerId]);
    }

    function getRoundStageReward(uint256 roundNumber, uint256 stageNumber, address[] calldata accounts)
        external
        view
        returns (int256[] memory)
    {
        int256[] memory rewards = new int256[](accounts.length);
        for (uint256 i = 0; i < accounts.length; i++) {
            rewards[i] = _roundStageRewards[roundNumber][stageNumber][accounts[i]];
        }
        return rewards;
    }

    function hasSubmittedRoundStageReward(uint256 roundNumber, uint256 stageNumber, string calldata peerId)
        external
        view
        returns (bool)
    {
        return _hasSubmittedRoundStageReward[roundNumber][stageNumber][peerId];
    }

    function getTotalRewards(string[] calldata peerIds) external view returns (int256[] memory) {
        int256[] memory rewards = new int256[](peerIds.length);
        for (uint256 i = 0; i < peerIds.length; i++) {
            rewards[i] = _totalRewards[peerIds[i]];
        }
        return rewards;
    }
}
