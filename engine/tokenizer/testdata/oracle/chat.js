const { Template } = require('@huggingface/jinja');
const fs = require('fs');
const q25 = new Template(fs.readFileSync('qwen25_template.jinja', 'utf8'));
const cfg = JSON.parse(fs.readFileSync('/work/shared/fixtures/qwen-tokenizer/tokenizer_config.json', 'utf8'));
const q3 = new Template(cfg.chat_template);
const convs = [
  [],
  [{role:'user', content:'Hi'}],
  [{role:'system', content:'Be brief.'}, {role:'user', content:'What is 2+2?'}],
  [{role:'system', content:'S'}, {role:'user', content:'q1'}, {role:'assistant', content:'a1'}, {role:'user', content:'q2'}],
  [{role:'user', content:'q'}, {role:'tool', content:'r1'}, {role:'tool', content:'r2'}, {role:'user', content:'z'}],
  [{role:'tool', content:'only tool'}],
  [{role:'user', content:'a'}, {role:'system', content:'late system'}],
  [{role:'user', content:'q1'}, {role:'assistant', content:'<think>\nplan\n</think>\n\nanswer one'}, {role:'user', content:'q2'}, {role:'assistant', content:'<think>\n\nsecond plan\n\n</think>\n\n\nanswer two'}],
  [{role:'user', content:'q1'}, {role:'assistant', content:'plain answer'}],
  [{role:'user', content:'q1'}, {role:'assistant', content:'x</think>y</think>\nz'}],
  [{role:'user', content:'q1'}, {role:'assistant', content:'<think>a<think>b</think>c'}],
  [{role:'user', content:'<tool_response>\nr\n</tool_response>'}, {role:'assistant', content:'<think>t</think>after'}],
  [{role:'user', content:'q'}, {role:'assistant', content:'first'}, {role:'tool', content:'res'}, {role:'assistant', content:'<think>why</think>final'}],
  [{role:'user', content:'q'}, {role:'assistant', content:'<think>r1</think>mid'}, {role:'tool', content:'res'}, {role:'assistant', content:'plain final'}, {role:'user', content:'next'}],
  [{role:'user', content:'Unicode 你好 🚀\n\nline'}, {role:'assistant', content:''}],
];
const out = [];
for (const messages of convs) {
  for (const add_generation_prompt of [false, true]) {
    const o = { messages, add_generation_prompt };
    o.qwen25 = q25.render({ messages, add_generation_prompt });
    o.qwen3 = q3.render({ messages, add_generation_prompt });
    o.qwen3_no_thinking = q3.render({ messages, add_generation_prompt, enable_thinking: false });
    out.push(o);
  }
}
fs.writeFileSync('chat_vectors.json', '[\n' + out.map(o => JSON.stringify(o)).join(',\n') + '\n]\n');
console.log(out.length); console.log(JSON.stringify(out[15], null, 1));
