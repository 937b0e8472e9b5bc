// Produces test vectors for swarmdesk's sign-in (app/signin) with Turnkey's own
// code, so the Go side is checked against the implementation Alchemy's signer
// uses, not against itself.
//
//   npm ci && node vectors.mjs > vectors.json
//
// Keys are fixed so the file is reviewable; HPKE sender keys and ECDSA nonces
// are random, so each run gives different (equally valid) ciphertexts and
// signatures.
import {
  hpkeEncrypt,
  decryptCredentialBundle,
  getPublicKey,
  uncompressRawPublicKey,
} from "@turnkey/crypto";
import { ApiKeyStamper } from "@turnkey/api-key-stamper";
import bs58check from "bs58check";

const hex = (u8) => Buffer.from(u8).toString("hex");
const unhex = (s) => new Uint8Array(Buffer.from(s, "hex"));

// The app's in-process P-256 key (targetPublicKey of /signer/v1/auth).
const targets = [
  "0b1c6d0c4c8d5b9a2e3f405162738495a6b7c8d9eaf00112233445566778899a",
  "7f00c0ffee0ddba11c0deba5eba11f00d5eed5a1adbadcafe0123456789abcde",
];
// The API private keys the signer encrypts to it (the credential bundle).
const apiKeys = [
  "1111111111111111111111111111111111111111111111111111111111111111",
  "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721",
];

const hpke = [];
for (let i = 0; i < targets.length; i++) {
  const targetPub = uncompressRawPublicKey(getPublicKey(unhex(targets[i]), true));
  const sealed = hpkeEncrypt({ plainTextBuf: unhex(apiKeys[i]), targetKeyBuf: targetPub });
  const bundle = bs58check.encode(sealed);
  const opened = decryptCredentialBundle(bundle, targets[i]);
  if (opened !== apiKeys[i]) throw new Error("Turnkey round trip failed");
  hpke.push({
    targetPrivateKey: targets[i],
    targetPublicKey: hex(targetPub),
    credentialBundle: bundle,
    apiPrivateKey: opened,
    apiPublicKey: hex(getPublicKey(unhex(opened), true)),
  });
}

const stamps = [];
const bodies = [
  JSON.stringify({ organizationId: "0c2ef2b4-0000-4000-8000-000000000001" }),
  JSON.stringify({
    type: "ACTIVITY_TYPE_SIGN_RAW_PAYLOAD_V2",
    timestampMs: "1760000000000",
    organizationId: "0c2ef2b4-0000-4000-8000-000000000001",
    parameters: {
      signWith: "0x9858EfFD232B4033E47d90003D41EC34EcaEda94",
      payload: "0x" + "ab".repeat(32),
      encoding: "PAYLOAD_ENCODING_HEXADECIMAL",
      hashFunction: "HASH_FUNCTION_NO_OP",
    },
  }),
];
for (const k of hpke) {
  const stamper = new ApiKeyStamper({ apiPublicKey: k.apiPublicKey, apiPrivateKey: k.apiPrivateKey });
  for (const body of bodies) {
    const s = await stamper.stamp(body);
    stamps.push({
      apiPrivateKey: k.apiPrivateKey,
      apiPublicKey: k.apiPublicKey,
      body,
      headerName: s.stampHeaderName,
      headerValue: s.stampHeaderValue,
    });
  }
}

process.stdout.write(
  JSON.stringify(
    {
      generator: "app/signin/testdata/turnkey/vectors.mjs",
      packages: { "@turnkey/crypto": "2.13.2", "@turnkey/api-key-stamper": "0.6.17" },
      hpke,
      stamps,
    },
    null,
    2,
  ) + "\n",
);
