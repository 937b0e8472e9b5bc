package swarm

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
)

// The sync protocol lets a node pull a round it missed (late join, restart,
// lost gossip) from any peer, without trusting it: each returned envelope is
// signed by its author and verified like gossip.
//
//	request  = round nHave (author)*      then the client closes its write side
//	response = (len envelope)*            then the server closes the stream
//
// "have" lists authors the client already holds, so steady-state syncs cost
// a few bytes instead of the whole round.
const (
	maxSyncHave      = 4096      // authors listed in one request
	maxSyncRequest   = 512 << 10 // bytes of one request
	maxSyncEnvelopes = 8192      // envelopes in one response
	syncStreamTime   = 30 * time.Second
	// A sync answer can be a whole round, so requests are rate limited per
	// peer to stop a peer from using us as a bandwidth amplifier.
	requestsPerSec = 5
	requestBurst   = 20
)

type syncRequest struct {
	Round uint64
	Have  map[string]bool
}

func encodeSyncRequest(req syncRequest) []byte {
	b := binary.AppendUvarint(nil, req.Round)
	b = binary.AppendUvarint(b, uint64(len(req.Have)))
	for a := range req.Have {
		b = appendString(b, a)
	}
	return b
}

// decodeSyncRequest parses a request from an untrusted peer.
func decodeSyncRequest(b []byte) (syncRequest, error) {
	if len(b) > maxSyncRequest {
		return syncRequest{}, drop(DropOversize, "sync request is %d bytes, limit %d", len(b), maxSyncRequest)
	}
	rd := &reader{b: b}
	req := syncRequest{Round: rd.uvarint(), Have: map[string]bool{}}
	n := rd.count(maxSyncHave, 1)
	for i := 0; i < n && rd.err == nil; i++ {
		a := rd.str()
		if len(a) > 128 {
			return syncRequest{}, drop(DropMalformed, "sync request: author id of %d bytes", len(a))
		}
		req.Have[a] = true
	}
	if rd.err != nil {
		return syncRequest{}, drop(DropMalformed, "sync request: %v", rd.err)
	}
	if len(rd.b) != 0 {
		return syncRequest{}, drop(DropMalformed, "sync request: %d trailing bytes", len(rd.b))
	}
	return req, nil
}

// handleSync answers a sync request with the round's envelopes whose author
// the client does not have yet.
func (n *Node) handleSync(s network.Stream) {
	defer s.Close()
	if from := s.Conn().RemotePeer().String(); !n.reqRate.allow(from) {
		n.counters.drop(DropRate, from)
		_ = s.Reset()
		return
	}
	_ = s.SetDeadline(time.Now().Add(syncStreamTime))
	raw, err := io.ReadAll(io.LimitReader(s, maxSyncRequest+1))
	if err != nil {
		_ = s.Reset()
		return
	}
	req, err := decodeSyncRequest(raw)
	if err != nil {
		n.counters.drop(ReasonOf(err), s.Conn().RemotePeer().String())
		_ = s.Reset()
		return
	}
	w := bufio.NewWriter(s)
	sent := 0
	for _, env := range n.store.rawsExcept(req.Round, req.Have) {
		if sent == maxSyncEnvelopes {
			break
		}
		if _, err := w.Write(binary.AppendUvarint(nil, uint64(len(env)))); err != nil {
			_ = s.Reset()
			return
		}
		if _, err := w.Write(env); err != nil {
			_ = s.Reset()
			return
		}
		sent++
	}
	if err := w.Flush(); err != nil {
		_ = s.Reset()
	}
}

// readFrames reads length-prefixed envelopes until EOF, calling fn for each.
// It stops with an error on a frame over maxFrame bytes or after
// maxSyncEnvelopes frames, so a hostile server cannot exhaust memory.
func readFrames(r io.Reader, maxFrame int, fn func([]byte)) error {
	tr := &ioErrTracker{r: r}
	br := bufio.NewReader(tr)
	for i := 0; ; i++ {
		size, err := binary.ReadUvarint(br)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if tr.err != nil {
			return fmt.Errorf("sync stream: %w", tr.err) // network trouble, nobody to blame
		}
		if err != nil {
			return drop(DropMalformed, "sync frame length: %v", err)
		}
		if i >= maxSyncEnvelopes {
			return drop(DropRate, "sync response has more than %d envelopes", maxSyncEnvelopes)
		}
		if size > uint64(maxFrame) {
			return drop(DropOversize, "sync frame of %d bytes, limit %d", size, maxFrame)
		}
		buf := make([]byte, size)
		if _, err := io.ReadFull(br, buf); err != nil {
			if tr.err != nil {
				return fmt.Errorf("sync stream: %w", tr.err)
			}
			return drop(DropMalformed, "sync frame: %v", err)
		}
		fn(buf)
	}
}

// ioErrTracker remembers the first non-EOF error of the underlying reader,
// so transport failures (resets, timeouts) are not blamed on the peer as
// malformed data.
type ioErrTracker struct {
	r   io.Reader
	err error
}

func (t *ioErrTracker) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && t.err == nil {
		t.err = err
	}
	return n, err
}

// syncFrom asks p for round's envelopes we lack and stores the valid ones.
// Everything invalid is counted and blamed on p.
func (n *Node) syncFrom(ctx context.Context, p peer.ID, round uint64) error {
	// An author counts as had only once it has as many batches here as it
	// shared last round: the peer then sends all of a partly received
	// author's batches (the duplicates are dropped here, uncounted), so one
	// gossip message missed of an author's 32 is pulled, not lost.
	expect := n.expectedAuthors(round)
	have := map[string]bool{}
	for a, batches := range n.store.authors(round) {
		if len(batches) >= expect[a] {
			have[a] = true
		}
	}
	s, err := n.h.NewStream(ctx, p, n.syncID)
	if err != nil {
		return fmt.Errorf("sync round %d from %s: %w", round, p, err)
	}
	defer s.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = s.SetDeadline(dl)
	}
	if _, err := s.Write(encodeSyncRequest(syncRequest{Round: round, Have: have})); err != nil {
		_ = s.Reset()
		return fmt.Errorf("sync round %d from %s: send request: %w", round, p, err)
	}
	if err := s.CloseWrite(); err != nil {
		_ = s.Reset()
		return fmt.Errorf("sync round %d from %s: %w", round, p, err)
	}
	src := p.String()
	err = readFrames(s, n.cfg.Limits.MaxMessageBytes, func(raw []byte) {
		n.ingestSynced(raw, src)
	})
	if err != nil {
		if r := ReasonOf(err); r != "" {
			n.counters.drop(r, src)
		}
		_ = s.Reset()
		return fmt.Errorf("sync round %d from %s: %w", round, p, err)
	}
	return nil
}

// ingestSynced verifies and stores one envelope received over sync. Exact
// duplicates are normal here (several peers hold the same rollout) and are
// not counted.
func (n *Node) ingestSynced(raw []byte, src string) {
	env, err := decodeEnvelope(raw, n.cfg.Limits)
	if err == nil {
		err = env.verify()
	}
	if err != nil {
		n.counters.drop(ReasonOf(err), src)
		return
	}
	r := env.Rollout
	if n.store.has(r.Round, r.PeerID, r.BatchID, raw) {
		return
	}
	if n.admit(env, raw, src, "") == pubsub.ValidationAccept {
		n.counters.synced.Add(1)
	}
}
