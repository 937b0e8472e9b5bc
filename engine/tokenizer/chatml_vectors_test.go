package tokenizer

import (
	"encoding/json"
	"os"
	"testing"
)

// TestChatTemplateVectors compares ChatML and ChatMLQwen3 with the real
// Jinja templates rendered by @huggingface/jinja (testdata/oracle/chat.js):
// the Qwen2.5-Instruct template and the Qwen3 template from the fixture's
// tokenizer_config.json, with and without enable_thinking=false.
func TestChatTemplateVectors(t *testing.T) {
	data, err := os.ReadFile("testdata/chat_vectors.json")
	if err != nil {
		t.Fatalf("read chat vectors: %v", err)
	}
	var cases []struct {
		Messages            []struct{ Role, Content string } `json:"messages"`
		AddGenerationPrompt bool                             `json:"add_generation_prompt"`
		Qwen25              string                           `json:"qwen25"`
		Qwen3               string                           `json:"qwen3"`
		Qwen3NoThinking     string                           `json:"qwen3_no_thinking"`
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatalf("parse chat vectors: %v", err)
	}
	if len(cases) < 20 {
		t.Fatalf("only %d chat vectors", len(cases))
	}
	for i, c := range cases {
		msgs := make([]Message, len(c.Messages))
		for k, m := range c.Messages {
			msgs[k] = Message{Role: m.Role, Content: m.Content}
		}
		if got := ChatML(msgs, c.AddGenerationPrompt); got != c.Qwen25 {
			t.Errorf("case %d ChatML:\n got %q\nwant %q", i, got, c.Qwen25)
		}
		if got := ChatMLQwen3(msgs, c.AddGenerationPrompt, true); got != c.Qwen3 {
			t.Errorf("case %d ChatMLQwen3:\n got %q\nwant %q", i, got, c.Qwen3)
		}
		if got := ChatMLQwen3(msgs, c.AddGenerationPrompt, false); got != c.Qwen3NoThinking {
			t.Errorf("case %d ChatMLQwen3(no thinking):\n got %q\nwant %q", i, got, c.Qwen3NoThinking)
		}
	}
}
