// Promise.withResolvers (ES2024) arrived in Node.js 22, but CI runs Node.js
// 20, and it-queue (under mortice, under @libp2p/peer-store, under libp2p)
// calls it. Imported first by peer.mjs so it is in place before any
// dependency runs; a no-op on Node.js 22 and later.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers () {
    let resolve, reject
    const promise = new this((res, rej) => { resolve = res; reject = rej })
    return { promise, resolve, reject }
  }
}
