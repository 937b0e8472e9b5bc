package tokenizer

import (
	"slices"
	"testing"
)

func TestChatML(t *testing.T) {
	const sys = "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
	tests := []struct {
		name string
		msgs []Message
		gen  bool
		want string
	}{
		{"empty", nil, true, sys + "<|im_start|>assistant\n"},
		{"default system", []Message{{"user", "Hi"}}, true,
			sys + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"},
		{"own system", []Message{{"system", "Be brief."}, {"user", "Hi"}, {"assistant", "Hello!"}}, false,
			"<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n"},
		{"tools merged", []Message{{"system", "S"}, {"user", "q"}, {"tool", "a"}, {"tool", "b"}, {"user", "z"}}, false,
			"<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nq<|im_end|>\n" +
				"<|im_start|>user\n<tool_response>\na\n</tool_response>\n<tool_response>\nb\n</tool_response><|im_end|>\n" +
				"<|im_start|>user\nz<|im_end|>\n"},
		{"later system", []Message{{"user", "a"}, {"system", "b"}}, false,
			sys + "<|im_start|>user\na<|im_end|>\n<|im_start|>system\nb<|im_end|>\n"},
	}
	for _, tc := range tests {
		if got := ChatML(tc.msgs, tc.gen); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

// TestChatMLEncodesLikeReference renders the conversation of the ChatML row
// of vectors.json and checks the reference ids.
func TestChatMLEncodesLikeReference(t *testing.T) {
	tk := qwen(t)
	prompt := ChatML([]Message{{"system", "You are a helpful assistant."}, {"user", "Solve 2+2."}}, true)
	want := []int{151644, 8948, 198, 2610, 525, 264, 10950, 17847, 13, 151645, 198, 151644, 872, 198, 50, 3948, 220, 17, 10, 17, 13, 151645, 198, 151644, 77091, 198}
	if got := tk.Encode(prompt); !slices.Equal(got, want) {
		t.Fatalf("Encode(ChatML)\n got %v\nwant %v", got, want)
	}
}
