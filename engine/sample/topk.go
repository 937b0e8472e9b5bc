package sample

// topK finds the indices of the largest logits without sorting the whole
// vocabulary: a size-k min-heap over one pass is O(V log k), which matters
// at Qwen's 151,936 entries.
type topK struct {
	heap []int32
	out  []int32
}

// better orders by logit, then by lower index first, so results are a total,
// deterministic order even with ties.
func better(l []float32, a, b int32) bool {
	if l[a] != l[b] {
		return l[a] > l[b]
	}
	return a < b
}

// largest returns the k best indices in descending order. The slice is
// reused by the next call.
func (t *topK) largest(l []float32, k int) []int32 {
	k = min(k, len(l))
	h := t.heap[:0]
	for i := range l {
		i := int32(i)
		if len(h) < k {
			h = append(h, i)
			up(l, h, len(h)-1)
			continue
		}
		if better(l, i, h[0]) { // beats the worst kept: replace the root
			h[0] = i
			down(l, h, 0)
		}
	}
	t.heap = h
	// Pop the worst first into the tail of out, giving descending order.
	if cap(t.out) < k {
		t.out = make([]int32, k)
	}
	out := t.out[:k]
	tmp := h
	for n := len(tmp) - 1; n >= 0; n-- {
		out[n] = tmp[0]
		tmp[0] = tmp[n]
		tmp = tmp[:n]
		down(l, tmp, 0)
	}
	return out
}

// The heap keeps the worst kept element at the root ("worse" = !better).
func up(l []float32, h []int32, i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !better(l, h[p], h[i]) {
			break
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func down(l []float32, h []int32, i int) {
	for {
		c := 2*i + 1
		if c >= len(h) {
			return
		}
		if c+1 < len(h) && better(l, h[c], h[c+1]) {
			c++
		}
		if !better(l, h[i], h[c]) {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}
