// Copies the ABI and creation bytecode of the ERC-4337 v0.7 contracts that
// app/userop's dev-chain test deploys, from @account-abstraction/contracts
// (eth-infinitism's published build), into contracts.json.
//
//   npm ci && node extract.mjs
import { readFileSync, writeFileSync } from "node:fs";

const names = ["EntryPoint", "SimpleAccountFactory", "SimpleAccount"];
const pkg = JSON.parse(readFileSync("node_modules/@account-abstraction/contracts/package.json", "utf8"));
const out = { source: `${pkg.name}@${pkg.version}`, contracts: {} };
for (const n of names) {
  const a = JSON.parse(readFileSync(`node_modules/@account-abstraction/contracts/artifacts/${n}.json`, "utf8"));
  out.contracts[n] = { abi: a.abi, bytecode: a.bytecode };
}
writeFileSync("contracts.json", JSON.stringify(out) + "\n");
