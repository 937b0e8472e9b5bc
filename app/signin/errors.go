package signin

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Sign-in failures a caller can tell apart with errors.Is. Each one's text
// says what the user should do next.
var (
	ErrWrongCode     = errors.New("that code is not the one we emailed; check the latest email and type its code again")
	ErrCodeExpired   = errors.New("the code has expired; ask for a new code and type it within a few minutes")
	ErrRateLimited   = errors.New("too many sign-in attempts; wait a few minutes before asking for another code")
	ErrSessionEnded  = errors.New("your sign-in has ended; sign in again (the node keeps training and holds its submissions until then)")
	ErrSignerRefused = errors.New("the sign-in service refused the request")
	ErrUnexpected    = errors.New("the sign-in service answered in a way swarmdesk does not understand; try again later or update swarmdesk")
)

// apiError turns a non-2xx answer into one of the errors above, keeping the
// service's own message for the log.
func apiError(path string, status int, retryAfter string, body []byte) error {
	var e struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(body, &e)
	msg := e.Error
	if msg == "" {
		msg = e.Message
	}
	if msg == "" {
		msg = strings.TrimSpace(string(body))
		if len(msg) > 200 {
			msg = msg[:200]
		}
	}
	low := strings.ToLower(msg)
	var kind error
	switch {
	case status == 429 || strings.Contains(low, "rate limit") || strings.Contains(low, "too many"):
		kind = ErrRateLimited
		if retryAfter != "" {
			return fmt.Errorf("%w (the service asks to wait %s s)", kind, retryAfter)
		}
	case strings.Contains(low, "expired") && path == "/v1/otp":
		kind = ErrCodeExpired
	case path == "/v1/otp" && (strings.Contains(low, "invalid") || strings.Contains(low, "incorrect") || strings.Contains(low, "wrong") || status == 400):
		kind = ErrWrongCode
	case status == 401 || status == 403 || strings.Contains(low, "expired"):
		kind = ErrSessionEnded
	case status >= 500:
		return fmt.Errorf("the sign-in service is having trouble (HTTP %d: %s); try again in a few minutes", status, msg)
	default:
		kind = ErrSignerRefused
	}
	return fmt.Errorf("%w (%s: HTTP %d: %s)", kind, path, status, msg)
}
