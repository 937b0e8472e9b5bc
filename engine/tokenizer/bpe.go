package tokenizer

// merge is the result of merging an adjacent pair of token ids: the merged
// token's id and the merge's priority (lower rank merges first).
type merge struct {
	rank int32
	id   int32
}

// noRank is larger than any real merge rank.
const noRank = int32(1<<31 - 1)

// heapThreshold is the word length (in bytes) above which the O(n log n)
// heap merger replaces the simple quadratic one; below it the quadratic one
// is faster because everything stays in a few cache lines.
const heapThreshold = 128

func pairKey(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

// lookup returns the merge for the pair (a, b), or rank noRank.
func (t *Tokenizer) lookup(a, b int32) merge {
	if m, ok := t.merges[pairKey(a, b)]; ok {
		return m
	}
	return merge{rank: noRank}
}

// bpe appends the BPE token ids of word (raw bytes) to dst. It repeatedly
// merges the adjacent pair with the lowest rank, leftmost first, which is
// the order the Hugging Face BPE model uses.
func (t *Tokenizer) bpe(dst []int32, word string) []int32 {
	if len(word) > heapThreshold {
		return t.bpeHeap(dst, word)
	}
	var idsBuf, ranksBuf [heapThreshold]int32
	var mergeIDs [heapThreshold]int32
	n := len(word)
	ids, ranks := idsBuf[:n], ranksBuf[:n]
	for i := 0; i < n; i++ {
		ids[i] = t.byteID[word[i]]
	}
	// ranks[k] / mergeIDs[k] describe the pair (ids[k], ids[k+1]).
	for k := 0; k+1 < n; k++ {
		m := t.lookup(ids[k], ids[k+1])
		ranks[k], mergeIDs[k] = m.rank, m.id
	}
	for n > 1 {
		best, bi := noRank, -1
		for k := 0; k+1 < n; k++ {
			if ranks[k] < best {
				best, bi = ranks[k], k
			}
		}
		if bi < 0 {
			break
		}
		ids[bi] = mergeIDs[bi]
		copy(ids[bi+1:n-1], ids[bi+2:n])
		copy(ranks[bi+1:n-1], ranks[bi+2:n])
		copy(mergeIDs[bi+1:n-1], mergeIDs[bi+2:n])
		n--
		if bi > 0 {
			m := t.lookup(ids[bi-1], ids[bi])
			ranks[bi-1], mergeIDs[bi-1] = m.rank, m.id
		}
		if bi+1 < n {
			m := t.lookup(ids[bi], ids[bi+1])
			ranks[bi], mergeIDs[bi] = m.rank, m.id
		} else {
			ranks[bi] = noRank
		}
	}
	return append(dst, ids[:n]...)
}

// heapItem is a candidate merge of the symbol at pos with its successor.
// key packs (rank, pos) so that one integer comparison gives the Hugging
// Face order (lowest rank, then leftmost); ver is the version of pos when
// the item was pushed, so stale items are recognised without a map lookup.
type heapItem struct {
	key uint64
	ver uint32
	id  int32
}

func (it heapItem) pos() int32 { return int32(uint32(it.key)) }

// mergeHeap is a 4-ary min-heap on key: shallower than a binary heap, which
// matters because a megabyte-long word makes it far larger than the caches.
type mergeHeap []heapItem

func (h *mergeHeap) push(it heapItem) {
	*h = append(*h, it)
	s := *h
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 4
		if s[p].key <= it.key {
			break
		}
		s[i] = s[p]
		i = p
	}
	s[i] = it
}

func (h *mergeHeap) pop() heapItem {
	s := *h
	top := s[0]
	last := s[len(s)-1]
	s = s[:len(s)-1]
	*h = s
	if len(s) == 0 {
		return top
	}
	i := 0
	for {
		c := 4*i + 1
		if c >= len(s) {
			break
		}
		m := c
		for k := c + 1; k < c+4 && k < len(s); k++ {
			if s[k].key < s[m].key {
				m = k
			}
		}
		if s[m].key >= last.key {
			break
		}
		s[i] = s[m]
		i = m
	}
	s[i] = last
	return top
}

// bpeHeap is the same algorithm as bpe for long words: symbols form a linked
// list over their original positions and candidate merges sit in a heap, so
// a megabyte-long word costs O(n log n) instead of O(n^2).
func (t *Tokenizer) bpeHeap(dst []int32, word string) []int32 {
	n := len(word)
	ids := make([]int32, n)
	prev := make([]int32, n)
	next := make([]int32, n)
	// ver[pos] changes whenever the pair starting at pos changes (its
	// symbol, its successor, or the successor's symbol), and is odd once
	// pos has been merged away.
	ver := make([]uint32, n)
	for i := 0; i < n; i++ {
		ids[i] = t.byteID[word[i]]
		prev[i] = int32(i - 1)
		next[i] = int32(i + 1)
	}
	next[n-1] = -1
	h := make(mergeHeap, 0, n)
	pushPair := func(pos int32) {
		nx := next[pos]
		if nx < 0 {
			return
		}
		if m := t.lookup(ids[pos], ids[nx]); m.rank != noRank {
			h.push(heapItem{key: uint64(m.rank)<<32 | uint64(uint32(pos)), ver: ver[pos], id: m.id})
		}
	}
	for i := int32(0); i+1 < int32(n); i++ {
		pushPair(i)
	}
	for len(h) > 0 {
		it := h.pop()
		pos := it.pos()
		if it.ver != ver[pos] || ver[pos]&1 == 1 {
			continue // stale
		}
		nx := next[pos]
		ids[pos] = it.id
		ver[nx] |= 1 // merged away; never valid again
		next[pos] = next[nx]
		if next[nx] >= 0 {
			prev[next[nx]] = pos
		}
		ver[pos] += 2
		if p := prev[pos]; p >= 0 {
			ver[p] += 2
			pushPair(p)
		}
		pushPair(pos)
	}
	for i := int32(0); i >= 0; i = next[i] {
		dst = append(dst, ids[i])
	}
	return dst
}
