package backend

import (
	"errors"
	"fmt"
	"testing"
)

type testKind int

func (testKind) API() string { return "testapi" }
func (k testKind) Message() string {
	return [...]string{"Nothing.", "Out of memory; use a smaller batch.", "Lost; retry."}[k]
}

type testResult int32

func (r testResult) String() string { return fmt.Sprintf("RESULT_%d", int32(r)) }

type testErr = APIError[testKind, testResult]

func TestAPIError(t *testing.T) {
	for _, tc := range []struct {
		err           *testErr
		log, explain  string
		isOOM, isLost bool
	}{
		{&testErr{Kind: 1, Op: "alloc 12 MiB", Result: -2, Detail: "heap 0"},
			"testapi: alloc 12 MiB: RESULT_-2: heap 0 (Out of memory; use a smaller batch.)",
			"Out of memory; use a smaller batch. (alloc 12 MiB: RESULT_-2: heap 0)", true, false},
		{&testErr{Kind: 2, Op: "submit"},
			"testapi: submit (Lost; retry.)", "Lost; retry. (submit)", false, true},
		{&testErr{Kind: 2, Detail: "Xid 79"},
			"testapi: Xid 79 (Lost; retry.)", "Lost; retry. (Xid 79)", false, true},
		{&testErr{Kind: 2}, "testapi (Lost; retry.)", "Lost; retry.", false, true},
	} {
		if got := tc.err.Error(); got != tc.log {
			t.Errorf("Error() = %q, want %q", got, tc.log)
		}
		if got := tc.err.Explain(); got != tc.explain {
			t.Errorf("Explain() = %q, want %q", got, tc.explain)
		}
		wrapped := fmt.Errorf("round 3: %w", tc.err)
		if got := errors.Is(wrapped, &testErr{Kind: 1}); got != tc.isOOM {
			t.Errorf("%v: Is(out of memory) = %v", tc.err, got)
		}
		if got := errors.Is(wrapped, &testErr{Kind: 2}); got != tc.isLost {
			t.Errorf("%v: Is(lost) = %v", tc.err, got)
		}
		// A target naming an operation is a particular error, not a kind.
		if errors.Is(wrapped, &testErr{Kind: tc.err.Kind, Op: "other"}) {
			t.Errorf("%v matched a target with another Op", tc.err)
		}
	}
}
