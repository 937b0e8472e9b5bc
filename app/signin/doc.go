// Package signin is the app side of the email sign-in to Alchemy's signer
// (Turnkey underneath), done in-process so no browser or Node.js is needed:
// an in-process P-256 key receives the credential bundle sent after the
// emailed code is typed (HPKE), the decrypted API key stamps every later
// request (X-Stamp), and the user's signer signs the one payload the smart
// account needs (the deferred action that installs the session key).
//
// Nothing here writes key material to disk or logs: callers keep the
// session in platform/secrets (see Session).
package signin
