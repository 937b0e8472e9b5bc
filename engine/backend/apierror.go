package backend

import "strings"

// APIError is how a GPU API backend (Vulkan, CUDA) reports a failure, so
// that each says the same things in the same order: Kind decides what the
// app does next (fall back, retry the round, tell the user) and carries the
// sentence a user can act on; Op is what was being done; Result the API's
// own result code (VkResult, CUresult), its zero value when none; Detail
// the driver's own words. Each API names its own instance:
//
//	type Error = backend.APIError[ErrKind, Result]
type APIError[K APIErrKind, R APIResult] struct {
	Kind   K
	Op     string // what was being done ("vkCreateDevice", "cuMemAlloc 12 MiB")
	Result R      // the API's result code, when one caused it
	Detail string
}

// APIErrKind is an API's error classification: the API's name (the prefix
// of log lines) and, per kind, a sentence saying what happened and what to
// do.
type APIErrKind interface {
	comparable
	API() string
	Message() string
}

// APIResult is an API's result code, named in logs.
type APIResult interface {
	comparable
	String() string
}

// Message says what happened and what to do, in words for people.
func (e *APIError[K, R]) Message() string { return e.Kind.Message() }

// Error is the log line: the API, the operation, its result and details,
// then the sentence.
func (e *APIError[K, R]) Error() string {
	return strings.Join(append([]string{e.Kind.API()}, e.details()...), ": ") + " (" + e.Message() + ")"
}

// Explain is what doctor and the device registry show: the sentence first,
// the API's words after.
func (e *APIError[K, R]) Explain() string {
	if d := e.details(); len(d) > 0 {
		return e.Message() + " (" + strings.Join(d, ": ") + ")"
	}
	return e.Message()
}

// details are the operation, the result and the driver's words, where set.
func (e *APIError[K, R]) details() []string {
	var none R
	var d []string
	if e.Op != "" {
		d = append(d, e.Op)
	}
	if e.Result != none {
		d = append(d, e.Result.String())
	}
	if e.Detail != "" {
		d = append(d, e.Detail)
	}
	return d
}

// Is lets errors.Is(err, &Error{Kind: ErrOutOfMemory}) match by kind: a
// target with only a Kind matches every error of that kind.
func (e *APIError[K, R]) Is(target error) bool {
	t, ok := target.(*APIError[K, R])
	var none R
	return ok && t.Kind == e.Kind && t.Op == "" && t.Result == none && t.Detail == ""
}
