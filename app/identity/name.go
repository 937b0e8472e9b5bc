package identity

import "crypto/md5"

// Name is the three-word name rl-swarm gives a peer ("beaked fishy cat"): bytes 2, 1 and 0 of
// md5(peer ID text) pick two adjectives and an animal. It must stay byte-for-byte the same as
// rl-swarm's, because people find their node on leaderboards and in logs by this name.
func Name(peerID string) string {
	h := md5.Sum([]byte(peerID))
	return adjectives[int(h[2])%len(adjectives)] + " " +
		adjectives[int(h[1])%len(adjectives)] + " " +
		animals[int(h[0])%len(animals)]
}
