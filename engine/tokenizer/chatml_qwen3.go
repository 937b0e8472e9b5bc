package tokenizer

import "strings"

// ChatMLQwen3 renders msgs with the Qwen3 chat template (the one shipped in
// Qwen3's tokenizer_config.json, tool-call-free path). It differs from
// ChatML in ways the model is sensitive to: there is no default system
// turn; assistant turns before the last user query lose their
// <think>...</think> reasoning; assistant turns after it keep the reasoning
// re-wrapped as "<think>\nreasoning\n</think>\n\n"; and with
// enableThinking=false the generation prompt pre-fills an empty think block
// so the model answers directly.
func ChatMLQwen3(msgs []Message, addGenerationPrompt, enableThinking bool) string {
	var b strings.Builder
	if len(msgs) > 0 && msgs[0].Role == "system" {
		b.WriteString("<|im_start|>system\n" + msgs[0].Content + "<|im_end|>\n")
	}
	lastQuery := len(msgs) - 1
	for i := len(msgs) - 1; i >= 0; i-- {
		c := msgs[i].Content
		if msgs[i].Role == "user" && !(strings.HasPrefix(c, "<tool_response>") && strings.HasSuffix(c, "</tool_response>")) {
			lastQuery = i
			break
		}
	}
	for i, m := range msgs {
		switch {
		case m.Role == "user" || (m.Role == "system" && i > 0):
			b.WriteString("<|im_start|>" + m.Role + "\n" + m.Content + "<|im_end|>\n")
		case m.Role == "assistant":
			content, reasoning := splitThink(m.Content)
			if i > lastQuery && (i == len(msgs)-1 || reasoning != "") {
				b.WriteString("<|im_start|>assistant\n<think>\n" + strings.Trim(reasoning, "\n") + "\n</think>\n\n" + strings.TrimLeft(content, "\n"))
			} else {
				b.WriteString("<|im_start|>assistant\n" + content)
			}
			b.WriteString("<|im_end|>\n")
		case m.Role == "tool":
			writeToolTurn(&b, msgs, i)
		}
	}
	if addGenerationPrompt {
		b.WriteString("<|im_start|>assistant\n")
		if !enableThinking {
			b.WriteString("<think>\n\n</think>\n\n")
		}
	}
	return b.String()
}

// splitThink separates an assistant message into its answer and reasoning
// exactly like the template's Python string operations:
// content = s.split('</think>')[-1].lstrip('\n') and reasoning =
// s.split('</think>')[0].rstrip('\n').split('<think>')[-1].lstrip('\n').
func splitThink(s string) (content, reasoning string) {
	const open, closeTag = "<think>", "</think>"
	last := strings.LastIndex(s, closeTag)
	if last < 0 {
		return s, ""
	}
	content = strings.TrimLeft(s[last+len(closeTag):], "\n")
	first, _, _ := strings.Cut(s, closeTag)
	r := strings.TrimRight(first, "\n")
	if k := strings.LastIndex(r, open); k >= 0 {
		r = r[k+len(open):]
	}
	return content, strings.TrimLeft(r, "\n")
}
