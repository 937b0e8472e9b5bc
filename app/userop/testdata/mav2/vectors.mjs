// Produces Modular Account V2 test vectors with Alchemy's own aa-sdk
// (@account-kit/smart-contracts, @aa-sdk/core) for app/userop's Go port:
// the semi-modular account's counterfactual address and init code, the
// session key's ROOT validation as a deferred action (typed data, its
// EIP-712 digest, the owner-signed deferred action), the first
// UserOperation's call data, nonce and signature as the session-key client
// encodes them, and the signature of a later operation.
//
//   npm ci && node vectors.mjs > vectors.json
//
// No network: the chain is answered by a local EIP-1193 stub (undeployed
// account, EntryPoint nonces of zero).
import { createModularAccountV2, createModularAccountV2Client, predictModularAccountV2Address } from "@account-kit/smart-contracts";
import { PermissionBuilder, PermissionType, buildDeferredActionDigest, installValidationActions, deferralActions, buildFullNonceKey } from "@account-kit/smart-contracts/experimental";
import { LocalAccountSigner, getEntryPoint } from "@aa-sdk/core";
import { gensynTestnet } from "@account-kit/infra";
import { custom, decodeFunctionData, encodeFunctionData, hashTypedData, parseAbi, toHex, pad } from "viem";

const epAbi = parseAbi(["function getNonce(address sender, uint192 key) view returns (uint256)"]);

// stub answers the few reads the SDK makes for an undeployed account.
const stub = custom({
  async request({ method, params }) {
    switch (method) {
      case "eth_chainId": return toHex(gensynTestnet.id);
      case "eth_getCode": return "0x";
      case "eth_call": {
        const { data } = params[0];
        if (data.startsWith("0x35567e1a")) { // getNonce(sender, key): sequence 0
          const { args } = decodeFunctionData({ abi: epAbi, data });
          return pad(toHex(args[1] << 64n), { size: 32 });
        }
        throw new Error("unexpected eth_call " + data.slice(0, 10));
      }
      default: throw new Error("unexpected RPC " + method);
    }
  },
});

const cases = [
  { owner: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318", session: "0x" + "11".repeat(32), salt: 0n, entityId: 1, deadline: 1900000000 },
  { owner: "0x" + "ab".repeat(32), session: "0x" + "22".repeat(32), salt: 7n, entityId: 3, deadline: 2000000123 },
];

const target = "0x7745a8FE4b8D2D2c3BB103F8dCae822746F35Da0";
const call = encodeFunctionData({ abi: parseAbi(["function registerPeer(string peerId)"]), functionName: "registerPeer", args: ["QmQ2gEXoPJg6iMBSUFWGzAabS2VhnzuS782Y637hGjfsRJ"] });
const opHash = "0x" + "5a".repeat(32);

const out = { source: "", chainId: gensynTestnet.id, target, call, userOpHash: opHash, cases: [] };
const pkg = (await import("@account-kit/smart-contracts/package.json", { with: { type: "json" } })).default;
const core = (await import("@aa-sdk/core/package.json", { with: { type: "json" } })).default;
out.source = `${pkg.name}@${pkg.version}, ${core.name}@${core.version}`;

for (const c of cases) {
  const owner = LocalAccountSigner.privateKeyToAccountSigner(c.owner);
  const session = LocalAccountSigner.privateKeyToAccountSigner(c.session);
  const ownerAddr = await owner.getAddress();
  const sessionAddr = await session.getAddress();
  const account = await createModularAccountV2({ transport: stub, chain: gensynTestnet, signer: owner, salt: c.salt });
  const predicted = predictModularAccountV2Address({
    factoryAddress: "0x00000000000017c61b5bEe81050EC8eFc9c6fecd",
    implementationAddress: "0x000000000000c5A9089039570Dd36455b5C07383",
    salt: c.salt, type: "SMA", ownerAddress: ownerAddr,
  });
  if (predicted !== account.address) throw new Error("address mismatch");
  const initCode = await account.getInitCode();

  const client = (await createModularAccountV2Client({ signer: owner, signerEntity: account.signerEntity, accountAddress: account.address, transport: stub, chain: gensynTestnet, salt: c.salt }))
    .extend(installValidationActions).extend(deferralActions);
  const { entityId, nonce } = await client.getEntityIdAndNonce({ entityId: c.entityId, isGlobalValidation: true }).catch(() => ({
    // The reader is a deploy-call contract the stub cannot run; for an
    // undeployed account it returns the asked entity and sequence 0 of its
    // deferred nonce key.
    entityId: c.entityId,
    nonce: buildFullNonceKey({ entityId: c.entityId, isGlobalValidation: true, isDeferredAction: true }) << 64n,
  }));
  const { typedData, fullPreSignatureDeferredActionDigest } = await new PermissionBuilder({
    client, key: { publicKey: sessionAddr, type: "secp256k1" }, entityId, nonce, deadline: c.deadline,
  }).addPermission({ permission: { type: PermissionType.ROOT } }).compileDeferred();
  const digest = hashTypedData(typedData);
  const ownerSig = await client.account.signTypedData(typedData);
  const deferredAction = buildDeferredActionDigest({ fullPreSignatureDeferredActionDigest, sig: ownerSig });

  const sessionAccount = await createModularAccountV2({ transport: stub, chain: gensynTestnet, signer: session, accountAddress: account.address, initCode, deferredAction });
  const firstNonce = await sessionAccount.getAccountNonce();
  const firstDummy = await sessionAccount.getDummySignature();
  const callData = await sessionAccount.encodeExecute({ target, data: call, value: 0n });
  const firstSig = await sessionAccount.signUserOperationHash(opHash);
  const laterSig = await sessionAccount.signUserOperationHash(opHash);
  const laterNonceKey = buildFullNonceKey({ entityId, isGlobalValidation: true });

  out.cases.push({
    ownerKey: c.owner, owner: ownerAddr, sessionKey: c.session, session: sessionAddr, salt: c.salt.toString(),
    entityId, deadline: c.deadline, deferredNonce: toHex(nonce), account: account.address, initCode,
    installCall: typedData.message.call, typedDataDigest: digest, ownerSignature: ownerSig,
    preSignature: fullPreSignatureDeferredActionDigest, deferredAction,
    firstNonce: toHex(firstNonce), firstDummySignature: firstDummy, callData, firstSignature: firstSig,
    laterNonceKey: toHex(laterNonceKey), laterSignature: laterSig,
  });
}
process.stdout.write(JSON.stringify(out, null, 1) + "\n");
