// A js-libp2p peer for swarmdesk's interop test (app/swarm/interop_test.go).
//
// It dials one bootnode and nothing else, subscribes to the swarm's rollout
// topic over GossipSub, publishes a signed rollout of its own each round, and
// checks every rollout it receives with its own codec of swarmdesk's wire
// format (app/swarm/envelope.go, rollout.go,
// validate.go), written from the format description rather than from Go
// code, so that the Go and the JS side can disagree.
//
// Usage: node peer.mjs '<config JSON>'
//   config = {bootnode, topic, limits: swarm.Limits as JSON, maxMetaKeyBytes}
// Commands arrive as JSON lines on stdin, events leave as JSON lines on
// stdout (one object per line), diagnostics go to stderr:
//   {"cmd":"round","round":"N","publish":true}
//                                      -> {"event":"round","round":"N","rollout":..,"recipients":[..]}
//      (with publish, the peer signs and publishes a rollout of its own)
//   {"cmd":"check","envelope":"<b64>"} -> {"event":"check","ok":..,"error":..,"rollout":..}
//   {"cmd":"done"} or end of stdin     -> {"event":"report",...}, exit 0
// Unprompted: {"event":"ready",...} once subscribed, {"event":"rollout",...}
// for every first-seen message on the topic.
import './node20.mjs'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { gossipsub } from '@chainsafe/libp2p-gossipsub'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair, publicKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import { peerIdFromPublicKey, peerIdFromString } from '@libp2p/peer-id'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'

// Wire constants of swarmdesk's rollout envelope, version 1.
const MAGIC = Buffer.from('SDR1')
const SIG_DOMAIN = Buffer.from('swarmdesk/rollout/v1\x00')

const DEPS = ['libp2p', '@chainsafe/libp2p-gossipsub', '@chainsafe/libp2p-noise', '@chainsafe/libp2p-yamux',
  '@libp2p/tcp', '@libp2p/identify', '@libp2p/ping', '@libp2p/crypto', '@libp2p/peer-id', '@multiformats/multiaddr']

function emit (obj) { process.stdout.write(JSON.stringify(obj) + '\n') }
function log (...args) { process.stderr.write('jspeer: ' + args.join(' ') + '\n') }

// versions reads the installed version of every dependency, so the test log
// records exactly what was tested.
function versions () {
  const out = { node: process.version }
  for (const d of DEPS) {
    const p = new URL(`./node_modules/${d}/package.json`, import.meta.url)
    out[d] = JSON.parse(readFileSync(p, 'utf8')).version
  }
  return out
}

class DecodeError extends Error {}
const fail = (msg) => { throw new DecodeError(msg) }

// Reader is a bounds-checked cursor over untrusted bytes; varints are
// unsigned LEB128 (Go's binary.Uvarint) and must be minimally encoded.
class Reader {
  constructor (b) { this.b = b; this.off = 0 }
  remaining () { return this.b.length - this.off }
  uvarint () {
    let x = 0n
    for (let i = 0; ; i++) {
      if (this.off >= this.b.length) fail('truncated')
      const c = this.b[this.off++]
      if (i === 9 && c > 1) fail('varint overflows 64 bits')
      x |= BigInt(c & 0x7f) << BigInt(7 * i)
      if (c < 0x80) {
        if (i > 0 && c === 0) fail('non-minimal varint')
        return x
      }
    }
  }
  bytes () {
    const n = this.uvarint()
    if (n > BigInt(this.remaining())) fail(`length ${n} exceeds remaining ${this.remaining()} bytes`)
    const out = this.b.subarray(this.off, this.off + Number(n))
    this.off += Number(n)
    return out
  }
  // count reads an element count that must fit the limit and the bytes left
  // (each element needs at least min bytes).
  count (limit, min) {
    const n = this.uvarint()
    if (n > BigInt(limit) || n * BigInt(min) > BigInt(this.remaining())) fail(`count ${n} too large`)
    return Number(n)
  }
}

function uvarint (n) {
  const out = []
  let v = BigInt(n)
  while (v >= 0x80n) { out.push(Number(v & 0x7fn) | 0x80); v >>= 7n }
  out.push(Number(v))
  return Buffer.from(out)
}
const lp = (b) => Buffer.concat([uvarint(b.length), b])

const utf8 = new TextDecoder('utf-8', { fatal: true })
function text (b, what) {
  try { return utf8.decode(b) } catch { fail(`${what} is not UTF-8`) }
}

// encodeBody is the canonical encoding: meta sorted by key bytes.
function encodeBody (r) {
  const parts = [uvarint(r.round), lp(r.task), lp(r.question), lp(r.batchId), uvarint(r.answers.length)]
  for (const a of r.answers) parts.push(lp(a))
  const meta = [...r.meta].sort((x, y) => Buffer.compare(x[0], y[0]))
  parts.push(uvarint(meta.length))
  for (const [k, v] of meta) parts.push(lp(k), lp(v))
  parts.push(lp(r.peerId))
  return Buffer.concat(parts)
}

// decodeEnvelope parses and fully checks one envelope: size, canonical
// encoding, schema, public key ↔ peer ID, signature. It returns the rollout
// with strings decoded, or throws DecodeError.
async function decodeEnvelope (data, cfg) {
  const l = cfg.limits
  data = Buffer.from(data)
  if (data.length > l.MaxMessageBytes) fail(`envelope is ${data.length} bytes, limit ${l.MaxMessageBytes}`)
  if (!data.subarray(0, MAGIC.length).equals(MAGIC)) fail('missing SDR1 magic')
  const rd = new Reader(data.subarray(MAGIC.length))
  const body = rd.bytes()
  const pub = rd.bytes()
  const sig = rd.bytes()
  if (rd.remaining() !== 0) fail(`envelope: ${rd.remaining()} trailing bytes`)

  const br = new Reader(body)
  const r = { round: br.uvarint(), task: br.bytes(), question: br.bytes(), batchId: br.bytes(), answers: [], meta: [] }
  const nAnswers = br.count(l.MaxAnswers, 1)
  for (let i = 0; i < nAnswers; i++) r.answers.push(br.bytes())
  const nMeta = br.count(l.MaxMetaEntries, 2)
  for (let i = 0; i < nMeta; i++) {
    const k = br.bytes()
    const v = br.bytes()
    if (i > 0 && Buffer.compare(k, r.meta[i - 1][0]) <= 0) fail(`meta keys not strictly increasing at ${JSON.stringify(k.toString())}`)
    r.meta.push([k, v])
  }
  r.peerId = br.bytes()
  if (br.remaining() !== 0) fail(`rollout body: ${br.remaining()} trailing bytes`)
  if (!encodeBody(r).equals(body)) fail('rollout body is not canonically encoded')

  // Schema, as every receiver enforces it.
  if (r.task.length === 0 || r.task.length > l.MaxTaskBytes) fail(`task must be 1..${l.MaxTaskBytes} bytes, got ${r.task.length}`)
  if (r.question.length > l.MaxQuestionBytes) fail(`question is ${r.question.length} bytes, limit ${l.MaxQuestionBytes}`)
  const md5 = createHash('md5').update(r.question).digest('hex')
  if (r.batchId.toString('latin1') !== md5) fail(`batch id ${JSON.stringify(r.batchId.toString())} is not md5(question)`)
  if (r.answers.length === 0 || r.answers.length > l.MaxAnswers) fail(`need 1..${l.MaxAnswers} answers, got ${r.answers.length}`)
  const out = {
    round: r.round.toString(),
    task: text(r.task, 'task'),
    question: text(r.question, 'question'),
    batchId: md5,
    answers: r.answers.map((a, i) => {
      if (a.length > l.MaxAnswerBytes) fail(`answer ${i} is ${a.length} bytes, limit ${l.MaxAnswerBytes}`)
      return text(a, `answer ${i}`)
    }),
    meta: {},
    peerId: text(r.peerId, 'peer id')
  }
  for (const [k, v] of r.meta) {
    if (k.length === 0 || k.length > cfg.maxMetaKeyBytes || v.length > l.MaxMetaValueBytes) fail('meta entry too large')
    out.meta[text(k, 'meta key')] = text(v, 'meta value')
  }
  let claimed
  try { claimed = peerIdFromString(out.peerId) } catch (e) { fail(`peer id ${JSON.stringify(out.peerId)}: ${e.message}`) }

  // The author: the public key must hash to the claimed peer ID (for
  // Ed25519 IDs that embed the key, it must be that key), and the signature
  // over domain || body must verify with it.
  let key
  try { key = publicKeyFromProtobuf(pub) } catch (e) { fail(`public key: ${e.message}`) }
  const keyId = peerIdFromPublicKey(key)
  if (!keyId.equals(claimed)) fail(`public key belongs to ${keyId}, rollout claims ${claimed}`)
  if (claimed.publicKey != null && !claimed.publicKey.equals(key)) fail('public key differs from the one in the peer id')
  let ok = false
  try { ok = await key.verify(Buffer.concat([SIG_DOMAIN, body]), sig) } catch { ok = false }
  if (!ok) fail(`signature does not verify for ${claimed}`)
  return out
}

// signRollout builds this peer's own envelope for a round, the way Sign in
// envelope.go does, so the Go side can check a signature it did not make.
async function signRollout (key, round, peerId) {
  const question = `round ${round}: what does the js peer say?`
  const r = {
    round: BigInt(round),
    task: Buffer.from('gsm8k'),
    question: Buffer.from(question),
    batchId: Buffer.from(createHash('md5').update(question).digest('hex')),
    answers: [Buffer.from('js answer A'), Buffer.from('js answer B ✓')],
    meta: [[Buffer.from('dataset'), Buffer.from('interop')], [Buffer.from('answer'), Buffer.from('42')]],
    peerId: Buffer.from(peerId)
  }
  const body = encodeBody(r)
  const sig = await key.sign(Buffer.concat([SIG_DOMAIN, body]))
  return Buffer.concat([MAGIC, lp(body), lp(Buffer.from(publicKeyToProtobuf(key.publicKey))), lp(Buffer.from(sig))])
}

// goMsgId is go-libp2p-pubsub's DefaultMsgIdFn: the author's peer ID bytes
// followed by the raw 8-byte sequence number. js-gossipsub's default for
// StrictSign uses the protobuf public key instead of the peer ID, so without
// this the two sides would name the same message differently and IHAVE /
// IWANT / IDONTWANT would never match.
function goMsgId (msg) {
  if (msg.type !== 'signed') throw new Error('unsigned message under StrictSign')
  const seq = Buffer.alloc(8)
  seq.writeBigUInt64BE(msg.sequenceNumber)
  return new Uint8Array(Buffer.concat([msg.from.toMultihash().bytes, seq]))
}

async function main () {
  const cfg = JSON.parse(process.argv[2])
  const l = cfg.limits
  const boot = multiaddr(cfg.bootnode)
  const bootId = peerIdFromString(boot.getPeerId())
  const key = await generateKeyPair('Ed25519')
  const node = await createLibp2p({
    privateKey: key,
    // No listen address: nobody can dial us, and the gater lets us dial
    // only the bootnode, so everything we receive passed through it.
    addresses: { listen: [] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialPeer: async (p) => !p.equals(bootId) },
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipsub({
        globalSignaturePolicy: 'StrictSign', // as the Go side's pubsub.StrictSign
        msgIdFn: goMsgId,
        msgIdToStrFn: (id) => Buffer.from(id).toString('hex'),
        // The Go side accepts up to 2*MaxMessageBytes+64 KiB on the wire so
        // oversize rollouts reach its validator; accept the same.
        maxInboundDataLength: 2 * l.MaxMessageBytes + (64 << 10),
        fallbackToFloodsub: false,
        emitSelf: false,
        doPX: false
      })
    }
  })
  const ps = node.services.pubsub
  const self = node.peerId.toString()
  const connected = new Set()
  node.addEventListener('peer:connect', (e) => connected.add(e.detail.toString()))

  let round = null // the round the test says is being played
  let received = 0
  // The validator sees every first-seen message; an accepted one is
  // reported when gossipsub delivers it, with the message id gossipsub
  // itself computed (what IHAVE/IWANT/IDONTWANT carry).
  const accepted = new WeakMap()
  ps.addEventListener('gossipsub:message', (e) => {
    const ev = accepted.get(e.detail.msg) ?? { event: 'rollout', ok: false, error: 'delivered without passing the validator' }
    accepted.delete(e.detail.msg)
    emit({ ...ev, msgId: e.detail.msgId })
  })
  ps.topicValidators.set(cfg.topic, async (source, msg) => {
    received++
    const ev = {
      event: 'rollout',
      from: msg.from.toString(),
      via: source.toString()
    }
    let result = 'accept'
    try {
      const r = await decodeEnvelope(msg.data, cfg)
      ev.rollout = r
      // Gossip must come from its author, as the Go validator demands.
      if (r.peerId !== ev.from) fail(`published by ${ev.from}, authored by ${r.peerId}`)
      if (round === null || r.round !== round) {
        result = 'ignore'
        throw new DecodeError(`round ${r.round} is not the round being played (${round})`)
      }
      ev.ok = true
    } catch (e) {
      if (!(e instanceof DecodeError)) log('unexpected', e.stack)
      if (result === 'accept') result = 'reject'
      ev.ok = false
      ev.error = e.message
    }
    if (result === 'accept') accepted.set(msg, ev)
    else emit(ev)
    return result
  })
  ps.subscribe(cfg.topic)
  await node.dial(boot, { signal: AbortSignal.timeout(20000) })
  emit({ event: 'ready', peerId: self, versions: versions(), protocols: node.getProtocols() })

  const finish = async () => {
    const conns = node.getConnections().map((c) => c.remotePeer.toString())
    emit({
      event: 'report',
      peerId: self,
      received,
      everConnected: [...connected].sort(),
      connectedNow: [...new Set(conns)].sort(),
      topicPeers: ps.getSubscribers(cfg.topic).map(String).sort(),
      meshPeers: ps.getMeshPeers(cfg.topic).sort()
    })
    await node.stop()
    process.exit(0)
  }

  const rl = createInterface({ input: process.stdin })
  let queue = Promise.resolve()
  rl.on('line', (line) => {
    queue = queue.then(async () => {
      const c = JSON.parse(line)
      switch (c.cmd) {
        case 'round': {
          round = String(c.round)
          const ev = { event: 'round', round }
          if (c.publish) {
            // Our own rollout for the round: decoded back first, so what
            // we publish passed our own checks.
            const env = await signRollout(key, round, self)
            ev.rollout = await decodeEnvelope(env, cfg)
            const res = await ps.publish(cfg.topic, env)
            ev.recipients = res.recipients.map(String)
          }
          emit(ev)
          break
        }
        case 'check':
          try {
            emit({ event: 'check', ok: true, rollout: await decodeEnvelope(Buffer.from(c.envelope, 'base64'), cfg) })
          } catch (e) {
            if (!(e instanceof DecodeError)) log('unexpected', e.stack)
            emit({ event: 'check', ok: false, error: e.message })
          }
          break
        case 'done':
          await finish()
          break
        default:
          log('unknown command', line)
      }
    }).catch((e) => { log('command failed:', e.stack); process.exit(3) })
  })
  rl.on('close', () => { queue.then(finish) })
}

main().catch((e) => { log('fatal:', e.stack); process.exit(2) })
