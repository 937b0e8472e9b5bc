package backend

import (
	"errors"
	"strings"
	"testing"
)

func TestParseKVSpec(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want KVSpec
		str  string
		bad  bool
	}{
		{in: "auto", want: KVSpec{Auto: true}, str: "auto"},
		{in: " Auto ", want: KVSpec{Auto: true}, str: "auto"},
		{in: "f32", want: KVSpec{DType: F32}, str: "f32"},
		{in: "BF16", want: KVSpec{DType: BF16}, str: "bf16"},
		{in: "", bad: true},
		{in: "f16", bad: true}, // no backend keeps an f16 cache
		{in: "int8", bad: true},
	} {
		got, err := ParseKVSpec(tc.in)
		if tc.bad {
			if !errors.Is(err, ErrBadKVSpec) || !strings.Contains(err.Error(), "auto, f32 or bf16") {
				t.Errorf("ParseKVSpec(%q) = %v, %v; want an error listing the choices", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want || got.String() != tc.str {
			t.Errorf("ParseKVSpec(%q) = %+v (%s), %v; want %+v (%s)", tc.in, got, got, err, tc.want, tc.str)
		}
	}
}
