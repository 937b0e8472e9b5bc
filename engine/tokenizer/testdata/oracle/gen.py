import json, random
random.seed(20261123)
alpha = list("abcXYZ éüßñ") + ["the", " the", "ing", "tion", " and", "Hello", "world", "'s", "'S", "'re", "'LL", "'d", "'ve", "'m", "'t", "'x",
 "0", "1", "7", "٣", "²", "½", "Ⅻ", "   ", " ", " ", "\t", "\n", "\r\n", "\r", "\n\n", "\u00a0", "\u3000", "\u2003", "\u2028", "\v", "\f",
 ".", ",", "!", "?", "(", ")", "{", "}", "->", "==", "//", "#", "$", "%", "&", "*", "_", "-", "—", "…", "“", "”", "「", "」",
 "你好", "世界", "中文", "日本語", "こんにちは", "한국어", "Привет", "мир", "Ελληνικά", "עברית", "العربية", "हिन्दी", "ไทย", "ក្រុង", "ᏣᎳᎩ",
 "🚀", "👍🏽", "😶\u200d🌫️", "❤️", "🇺🇸", "\u200d", "e\u0301", "a\u0308", "ﬁ", "Å", "Ω", "\U0001F600", "𝔘𝔫𝔦",
 "def ", "return ", "func ", "x := 1", "\tif err != nil {", "<", ">", "</", "<|", "|>", "<|im_start|>", "<|im_end|>", "<think>", "</think>", "<|endoftext|>"]
cases = []
for i in range(400):
    n = random.randint(1, 30)
    cases.append("".join(random.choice(alpha) for _ in range(n)))
extra = ["", " ", "  ", "\n", " \n ", "a  b", "a \t b", "x\u3000y", "1,000,000.50", "I'M", "DON'T", "don't'", "''''", "'s's's",
 "  \n\n  \n", "\r\n\r\n", "end\n", "a!\n\nb", " !!\n", " \u00a0x", "\u00a0\u00a0x", "tab\t\tend", "e\u0301\u0301", "Ａｂｃ１２３",
 "https://example.com/a?b=c&d=e#f", "user@example.com", "C:\\\\Windows\\\\path", "$x = @{a=1};", "😀😀😀", "🏳️‍🌈", "𝕏𝕐"]
cases += extra
json.dump(cases, open("inputs.json", "w"), ensure_ascii=False)
