package tokenizer

import "strings"

// Message is one chat turn. Role is "system", "user", "assistant" or "tool".
type Message struct{ Role, Content string }

// DefaultSystemPrompt is what the Qwen2.5-Instruct template inserts when the
// conversation has no system message; the model was trained with it, so
// omitting it measurably changes its behaviour.
const DefaultSystemPrompt = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."

// ChatML renders msgs with the Qwen2.5-Instruct (and Qwen2.5-Coder-Instruct)
// chat template, tool-call-free path: every turn is
// "<|im_start|>role\ncontent<|im_end|>\n", a default system turn is added
// when msgs[0] is not a system message, consecutive "tool" messages are
// merged into one user turn wrapped in <tool_response> tags, messages with
// other roles are dropped (as the template does), and addGenerationPrompt
// appends "<|im_start|>assistant\n" so the model writes the next reply.
//
// The result contains special-token strings, so encode it with Encode (not
// EncodeOrdinary). Content is inserted verbatim, as the reference template
// does; callers that must stop users from injecting "<|im_end|>" should
// encode the pieces separately.
func ChatML(msgs []Message, addGenerationPrompt bool) string {
	var b strings.Builder
	if len(msgs) > 0 && msgs[0].Role == "system" {
		b.WriteString("<|im_start|>system\n" + msgs[0].Content + "<|im_end|>\n")
	} else {
		b.WriteString("<|im_start|>system\n" + DefaultSystemPrompt + "<|im_end|>\n")
	}
	for i, m := range msgs {
		switch {
		case m.Role == "user" || m.Role == "assistant" || (m.Role == "system" && i > 0):
			b.WriteString("<|im_start|>" + m.Role + "\n" + m.Content + "<|im_end|>\n")
		case m.Role == "tool":
			writeToolTurn(&b, msgs, i)
		}
	}
	if addGenerationPrompt {
		b.WriteString("<|im_start|>assistant\n")
	}
	return b.String()
}

// writeToolTurn writes tool message i; runs of tool messages share one user
// turn. Qwen2.5 and Qwen3 templates agree on this part.
func writeToolTurn(b *strings.Builder, msgs []Message, i int) {
	if i == 0 || msgs[i-1].Role != "tool" {
		b.WriteString("<|im_start|>user")
	}
	b.WriteString("\n<tool_response>\n" + msgs[i].Content + "\n</tool_response>")
	if i == len(msgs)-1 || msgs[i+1].Role != "tool" {
		b.WriteString("<|im_end|>\n")
	}
}
