// compile.mjs builds SwarmCoordinator.sol with the solc package pinned in
// package.json and writes SwarmCoordinator.abi and SwarmCoordinator.bin into
// the directory given as the first argument (default: this directory).
// Settings are fixed here (not taken from the environment) so that a rebuild
// on any machine gives byte-identical output; check.sh relies on that.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const solc = require('solc');

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(process.argv[2] || here);
const name = 'SwarmCoordinator';
const source = fs.readFileSync(path.join(here, `${name}.sol`), 'utf8');

const input = {
  language: 'Solidity',
  sources: { [`${name}.sol`]: { content: source } },
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: 'cancun',
    metadata: { bytecodeHash: 'none' },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
};

const out = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (out.errors || []).filter((e) => e.severity === 'error');
for (const e of out.errors || []) console.error(e.formattedMessage);
if (errors.length > 0) process.exit(1);

const c = out.contracts[`${name}.sol`][name];
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, `${name}.abi`), JSON.stringify(c.abi, null, 1) + '\n');
fs.writeFileSync(path.join(outDir, `${name}.bin`), c.evm.bytecode.object + '\n');
console.log(`solc ${solc.version()} -> ${outDir}/${name}.{abi,bin}`);
