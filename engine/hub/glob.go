package hub

import (
	"fmt"
	"regexp"
	"strings"
)

// globToRegexp translates an fnmatch-style pattern (*, ?, [...]) into an
// anchored regexp, mirroring Python's fnmatch which huggingface_hub uses
// for allow_patterns: '*' matches across '/'. A trailing '/' means the
// whole folder, as in huggingface_hub.
func globToRegexp(pattern string) (*regexp.Regexp, error) {
	if strings.HasSuffix(pattern, "/") {
		pattern += "*"
	}
	var b strings.Builder
	b.WriteString(`^`)
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		case '[':
			j := strings.IndexByte(pattern[i+1:], ']')
			if j < 0 {
				b.WriteString(`\[`)
				continue
			}
			class := pattern[i+1 : i+1+j]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i += j + 1
		default:
			j := i + 1
			for j < len(pattern) && !strings.ContainsRune("*?[", rune(pattern[j])) {
				j++
			}
			b.WriteString(regexp.QuoteMeta(pattern[i:j]))
			i = j - 1
		}
	}
	b.WriteString(`$`)
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("invalid allow pattern %q: %w", pattern, err)
	}
	return re, nil
}
