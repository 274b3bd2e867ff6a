#!/usr/bin/env node
// Self-test of didcomm.mjs: drives it as a child process over JSON Lines, exactly as the
// C# tests do. Part 1: round trips (sign, anoncrypt, authcrypt, protect-sender, forward
// through one, two and three mediators, harness error handling). Part 2: unpacks every
// vector of the shared DIDComm vector set and compares with the recorded reference outcome.
// Exits non-zero on any failure. Usage: node selftest.mjs [vectorsDir]

import { spawn } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const vectorsDir = resolve(
  process.argv[2] ?? process.env.DIDCOMM_VECTORS ?? join(here, '..', '..', 'shared', 'didcomm-vectors'),
);
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

// ---------------------------------------------------------------------------
// Harness client: one child process, requests answered strictly in order.
// ---------------------------------------------------------------------------

class Harness {
  constructor() {
    this.child = spawn(process.execPath, [join(here, 'didcomm.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.pending = [];
    this.nextId = 1;
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const waiter = this.pending.shift();
      if (waiter) waiter.resolve(line);
    });
    this.child.on('exit', (code) => {
      for (const waiter of this.pending.splice(0)) waiter.reject(new Error(`harness exited (${code})`));
    });
  }

  // Sends a raw line; resolves to the parsed response line.
  async raw(line) {
    const answer = new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
    this.child.stdin.write(line + '\n');
    return JSON.parse(await answer);
  }

  async call(request) {
    const id = `req-${this.nextId++}`;
    const response = await this.raw(JSON.stringify({ id, ...request }));
    if (response.id !== id) throw new Error(`response id ${response.id} != request id ${id}`);
    return response;
  }

  // Like call, but a failed operation throws.
  async ok(request) {
    const response = await this.call(request);
    if (!response.ok) throw new Error(`${request.op} failed: ${response.error.name}: ${response.error.message}`);
    return response;
  }

  close() {
    this.child.stdin.end();
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) resolve(this.child.exitCode);
      else this.child.on('exit', resolve);
    });
  }
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k])]));
  }
  return value;
}
const same = (a, b) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

function expectEqual(actual, expected, what) {
  if (!same(actual, expected)) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

// Compares the listed metadata fields only; expected null means absent or null.
function expectMetadata(actual, expected) {
  for (const [field, value] of Object.entries(expected)) {
    expectEqual(actual?.[field] ?? null, value, `metadata.${field}`);
  }
}

function recipientKids(packed) {
  return JSON.parse(packed).recipients.map((r) => r.header.kid);
}

const results = { passed: 0, failed: 0, skipped: 0 };
function report(status, name, detail) {
  results[status === 'ok' ? 'passed' : status === 'skip' ? 'skipped' : 'failed']++;
  const label = { ok: 'ok  ', skip: 'gap ', fail: 'FAIL' }[status];
  console.log(`  ${label} ${name}${detail ? ` — ${detail}` : ''}`);
}

async function check(name, fn) {
  try {
    const detail = await fn();
    report('ok', name, detail);
  } catch (e) {
    report('fail', name, e.message);
  }
}

// ---------------------------------------------------------------------------
// Part 1: round trips with the didcomm-rust test keys
// ---------------------------------------------------------------------------

async function roundTrips(h) {
  const all = readJson(join(vectorsDir, 'didcomm-rust', 'keys', 'all.json'));
  const docs = all.didDocs;
  const secretsOf = (did) => all.secrets.filter((s) => s.id.startsWith(`${did}#`));
  const as = (did, extraDocs = []) => ({
    didDocs: [...docs.filter((d) => !extraDocs.some((x) => x.id === d.id)), ...extraDocs],
    secrets: secretsOf(did),
  });
  const ALICE = 'did:example:alice';
  const BOB = 'did:example:bob';
  const CHARLIE = 'did:example:charlie';
  const M1 = 'did:example:mediator1';
  const M2 = 'did:example:mediator2';
  const M3 = 'did:example:mediator3';

  const message = (to = BOB) => ({
    id: `msg-${Math.random().toString(36).slice(2)}`,
    typ: 'application/didcomm-plain+json',
    type: 'https://example.com/protocols/lets_do_lunch/1.0/proposal',
    from: ALICE,
    to: [to],
    created_time: 1516269022,
    expires_time: 1516385931,
    body: { messagespecificattribute: 'and its value' },
  });

  // Bob's DID doc variants whose DIDCommMessaging service routes via 1 or 2 mediators.
  const bobDoc = docs.find((d) => d.id === BOB);
  const bobVia = (routingKeys) => ({
    ...bobDoc,
    service: [{
      id: `${BOB}#didcomm-1`,
      type: 'DIDCommMessaging',
      serviceEndpoint: { uri: 'http://example.com/path', accept: ['didcomm/v2'], routingKeys },
    }],
  });
  const M1_KEY = `${M1}#key-x25519-1`;
  const M2_KEY = `${M2}#key-x25519-1`;
  const BOB_X25519 = [`${BOB}#key-x25519-1`, `${BOB}#key-x25519-2`, `${BOB}#key-x25519-3`];

  async function unpackAs(did, packed, options, extraDocs) {
    return h.ok({ op: 'unpack', packed, options, ...as(did, extraDocs) });
  }

  await check('plaintext: pack_plaintext -> unpack', async () => {
    const msg = message();
    const { packed } = await h.ok({ op: 'pack_plaintext', message: msg, ...as(ALICE) });
    const u = await unpackAs(BOB, packed);
    expectEqual(u.message, msg, 'message');
    expectMetadata(u.metadata, { encrypted: false, authenticated: false, non_repudiation: false, anonymous_sender: false });
  });

  for (const [key, alg] of [['key-1', 'EdDSA'], ['key-2', 'ES256'], ['key-3', 'ES256K']]) {
    await check(`signed: alice ${key} (${alg})`, async () => {
      const msg = message();
      const p = await h.ok({ op: 'pack_signed', message: msg, signBy: `${ALICE}#${key}`, ...as(ALICE) });
      expectEqual(p.metadata, { sign_by_kid: `${ALICE}#${key}` }, 'pack metadata');
      const u = await unpackAs(BOB, p.packed);
      expectEqual(u.message, msg, 'message');
      expectMetadata(u.metadata, {
        encrypted: false, authenticated: true, non_repudiation: true, anonymous_sender: false,
        sign_from: `${ALICE}#${key}`, sign_alg: alg,
      });
    });
  }

  for (const alg of ['A256cbcHs512EcdhEsA256kw', 'Xc20pEcdhEsA256kw', 'A256gcmEcdhEsA256kw']) {
    await check(`anoncrypt X25519 ${alg}`, async () => {
      const msg = message();
      const p = await h.ok({
        op: 'pack_encrypted', message: msg, to: BOB, from: null, signBy: null,
        options: { enc_alg_anon: alg }, ...as(ALICE),
      });
      expectEqual(p.metadata.to_kids, BOB_X25519, 'to_kids');
      expectEqual(recipientKids(p.packed), BOB_X25519, 'recipients');
      const u = await unpackAs(BOB, p.packed, { expect_decrypt_by_all_keys: true });
      expectEqual(u.message, msg, 'message');
      expectMetadata(u.metadata, {
        encrypted: true, authenticated: false, non_repudiation: false, anonymous_sender: true,
        enc_alg_anon: alg, enc_alg_auth: null, encrypted_from_kid: null, encrypted_to_kids: BOB_X25519,
      });
    });
  }

  const authcrypt = [
    ['X25519', BOB, ALICE, `${ALICE}#key-x25519-1`, BOB_X25519],
    ['P-256', `${BOB}#key-p256-1`, `${ALICE}#key-p256-1`, `${ALICE}#key-p256-1`, [`${BOB}#key-p256-1`]],
  ];
  for (const [curve, to, from, fromKid, toKids] of authcrypt) {
    await check(`authcrypt ${curve} (to ${to}, from ${from})`, async () => {
      const msg = message();
      const p = await h.ok({ op: 'pack_encrypted', message: msg, to, from, signBy: null, options: {}, ...as(ALICE) });
      expectEqual(p.metadata.from_kid, fromKid, 'from_kid');
      expectEqual(p.metadata.to_kids, toKids, 'to_kids');
      const u = await unpackAs(BOB, p.packed);
      expectEqual(u.message, msg, 'message');
      expectMetadata(u.metadata, {
        encrypted: true, authenticated: true, non_repudiation: false, anonymous_sender: false,
        encrypted_from_kid: fromKid, encrypted_to_kids: toKids,
        enc_alg_auth: 'A256cbcHs512Ecdh1puA256kw', enc_alg_anon: null,
      });
    });
  }

  await check('signed + anoncrypt (signBy alice key-1, from null)', async () => {
    const msg = message();
    const p = await h.ok({
      op: 'pack_encrypted', message: msg, to: BOB, from: null, signBy: `${ALICE}#key-1`, options: {}, ...as(ALICE),
    });
    expectEqual(p.metadata.sign_by_kid, `${ALICE}#key-1`, 'sign_by_kid');
    const u = await unpackAs(BOB, p.packed);
    expectEqual(u.message, msg, 'message');
    expectMetadata(u.metadata, {
      encrypted: true, authenticated: true, non_repudiation: true, anonymous_sender: true,
      sign_from: `${ALICE}#key-1`, sign_alg: 'EdDSA', encrypted_from_kid: null,
    });
    if (typeof u.metadata.signed_message !== 'string') throw new Error('metadata.signed_message missing');
  });

  await check('signed + authcrypt (signBy alice key-2, from alice)', async () => {
    const msg = message();
    const p = await h.ok({
      op: 'pack_encrypted', message: msg, to: BOB, from: ALICE, signBy: `${ALICE}#key-2`, options: {}, ...as(ALICE),
    });
    const u = await unpackAs(BOB, p.packed);
    expectEqual(u.message, msg, 'message');
    expectMetadata(u.metadata, {
      encrypted: true, authenticated: true, non_repudiation: true, anonymous_sender: false,
      sign_from: `${ALICE}#key-2`, sign_alg: 'ES256', encrypted_from_kid: `${ALICE}#key-x25519-1`,
    });
  });

  await check('protect_sender (authcrypt inside anoncrypt)', async () => {
    const msg = message();
    const p = await h.ok({
      op: 'pack_encrypted', message: msg, to: BOB, from: ALICE, signBy: null,
      options: { protect_sender: true }, ...as(ALICE),
    });
    const outer = JSON.parse(Buffer.from(JSON.parse(p.packed).protected, 'base64url').toString());
    if (outer.skid !== undefined || outer.alg !== 'ECDH-ES+A256KW') {
      throw new Error(`outer layer should be anoncrypt without skid, got ${JSON.stringify(outer)}`);
    }
    const u = await unpackAs(BOB, p.packed);
    expectEqual(u.message, msg, 'message');
    expectMetadata(u.metadata, {
      encrypted: true, authenticated: true, anonymous_sender: true,
      encrypted_from_kid: `${ALICE}#key-x25519-1`,
      enc_alg_auth: 'A256cbcHs512Ecdh1puA256kw', enc_alg_anon: 'Xc20pEcdhEsA256kw',
    });
  });

  await check('forward defaults to false in the harness (Bob has routing keys)', async () => {
    const p = await h.ok({ op: 'pack_encrypted', message: message(), to: BOB, from: ALICE, options: {}, ...as(ALICE) });
    expectEqual(recipientKids(p.packed), BOB_X25519, 'recipients');
    expectEqual(p.metadata.messaging_service, null, 'messaging_service');
  });

  // Follows a Forward chain: each mediator unwraps its layer with only its own secrets.
  async function hops(packed, chain, extraDocs) {
    let current = packed;
    for (const [mediator, expectedNext] of chain) {
      const f = await h.ok({ op: 'forward_unwrap', packed: current, ...as(mediator, extraDocs) });
      expectEqual(f.next, expectedNext, `${mediator} next`);
      expectMetadata(f.metadata, { encrypted: true, anonymous_sender: true, authenticated: false });
      if (typeof f.forwarded !== 'string') throw new Error('forwarded must be a JSON string');
      current = f.forwarded;
    }
    return current;
  }

  await check('forward via one mediator (Bob\'s DID doc service: routingKeys [mediator1])', async () => {
    const msg = message();
    const p = await h.ok({
      op: 'pack_encrypted', message: msg, to: BOB, from: ALICE, options: { forward: true }, ...as(ALICE),
    });
    expectEqual(p.metadata.messaging_service, { id: `${BOB}#didcomm-1`, service_endpoint: 'http://example.com/path' }, 'messaging_service');
    expectEqual(p.metadata.to_kids, BOB_X25519, 'to_kids');
    expectEqual(recipientKids(p.packed), [M1_KEY], 'outer recipients');
    const bobDirect = await h.call({ op: 'unpack', packed: p.packed, ...as(BOB) });
    if (bobDirect.ok) throw new Error('Bob should not be able to open the mediator layer');
    const inner = await hops(p.packed, [[M1, BOB]]);
    const u = await unpackAs(BOB, inner);
    expectEqual(u.message, msg, 'message');
    expectMetadata(u.metadata, { authenticated: true, encrypted_from_kid: `${ALICE}#key-x25519-1`, re_wrapped_in_forward: false });
    return `${bobDirect.error.name} for Bob on the outer layer, as expected`;
  });

  await check('forward via two mediators (routingKeys [mediator1, mediator2]) with forward_headers', async () => {
    const bob2 = bobVia([M1_KEY, M2_KEY]);
    const msg = message();
    const p = await h.ok({
      op: 'pack_encrypted', message: msg, to: BOB, from: null, signBy: null,
      options: { forward: true, forward_headers: { expires_time: 99999 }, enc_alg_anon: 'A256gcmEcdhEsA256kw' },
      ...as(ALICE, [bob2]),
    });
    expectEqual(recipientKids(p.packed), [M1_KEY], 'outer recipients');
    const f1 = await h.ok({ op: 'forward_unwrap', packed: p.packed, ...as(M1, [bob2]) });
    expectEqual(f1.message.expires_time, 99999, 'forward header expires_time');
    expectEqual(f1.message.type, 'https://didcomm.org/routing/2.0/forward', 'forward type');
    expectEqual(f1.metadata.enc_alg_anon, 'A256gcmEcdhEsA256kw', 'enc_alg_anon');
    const inner = await hops(p.packed, [[M1, M2_KEY], [M2, BOB]], [bob2]);
    const u = await unpackAs(BOB, inner, {}, [bob2]);
    expectEqual(u.message, msg, 'message');
    expectMetadata(u.metadata, { anonymous_sender: true, enc_alg_anon: 'A256gcmEcdhEsA256kw' });
  });

  await check('forward via DID endpoint (Charlie: uri did:example:mediator3, routingKeys [m2, m1])', async () => {
    const msg = message(CHARLIE);
    const p = await h.ok({
      op: 'pack_encrypted', message: msg, to: CHARLIE, from: ALICE, options: { forward: true }, ...as(ALICE),
    });
    expectEqual(p.metadata.messaging_service, { id: `${CHARLIE}#didcomm-1`, service_endpoint: 'http://example.com/path' }, 'messaging_service');
    const inner = await hops(p.packed, [[M3, M2_KEY], [M2, M1_KEY], [M1, CHARLIE]]);
    const u = await unpackAs(CHARLIE, inner);
    expectEqual(u.message, msg, 'message');
  });

  await check('wrap_in_forward op (two routing keys) + forward_unwrap hops', async () => {
    const msg = message();
    const p = await h.ok({ op: 'pack_encrypted', message: msg, to: BOB, from: null, options: {}, ...as(ALICE) });
    const w = await h.ok({
      op: 'wrap_in_forward', packed: p.packed, headers: { example_header: 'x' }, to: BOB,
      routingKeys: [M1_KEY, M2_KEY], encAlgAnon: 'A256cbcHs512EcdhEsA256kw', ...as(ALICE),
    });
    expectEqual(recipientKids(w.packed), [M1_KEY], 'outer recipients');
    const inner = await hops(w.packed, [[M1, M2_KEY], [M2, BOB]]);
    expectEqual(JSON.parse(inner), JSON.parse(p.packed), 'forwarded message');
    const u = await unpackAs(BOB, inner);
    expectEqual(u.message, msg, 'message');
  });

  await check('unwrap_re_wrapping_forward (Forward addressed to Bob himself)', async () => {
    const msg = message();
    const p = await h.ok({ op: 'pack_encrypted', message: msg, to: BOB, from: ALICE, options: {}, ...as(ALICE) });
    const w = await h.ok({
      op: 'wrap_in_forward', packed: p.packed, to: BOB, routingKeys: [`${BOB}#key-x25519-1`], ...as(ALICE),
    });
    const u = await unpackAs(BOB, w.packed, { unwrap_re_wrapping_forward: true });
    expectEqual(u.message, msg, 'message');
    expectMetadata(u.metadata, { re_wrapped_in_forward: true, authenticated: true });
  });

  await check('spec-shaped keys (embedded methods, bare JWK secrets with "kid ")', async () => {
    const alice = readJson(join(vectorsDir, 'spec', 'keys-alice.json'));
    const bob = readJson(join(vectorsDir, 'spec', 'keys-bob.json'));
    const msg = message();
    const p = await h.ok({ op: 'pack_encrypted', message: msg, to: BOB, from: ALICE, options: {}, ...alice });
    const u = await h.ok({ op: 'unpack', packed: p.packed, ...bob });
    expectEqual(u.message, msg, 'message');
    expectMetadata(u.metadata, { authenticated: true, encrypted_from_kid: `${ALICE}#key-x25519-1` });
  });

  await check('errors are answered, the harness keeps going', async () => {
    const expectError = async (request, name, raw) => {
      const r = raw ? await h.raw(raw) : await h.call(request);
      if (r.ok || r.error?.name !== name) throw new Error(`expected ${name}, got ${JSON.stringify(r)}`);
      if (raw && r.id !== null) throw new Error('unparseable request must answer id null');
    };
    await expectError(null, 'BadRequest', 'this is not json');
    await expectError(null, 'BadRequest', '[1,2,3]');
    await expectError({ op: 'no_such_op' }, 'BadRequest');
    await expectError({ op: 'pack_signed', message: message(), ...as(ALICE) }, 'BadRequest');
    await expectError({ op: 'wrap_in_forward', packed: '{}', to: BOB, routingKeys: [], ...as(ALICE) }, 'BadRequest');
    await expectError({ op: 'unpack', packed: 'garbage', ...as(BOB) }, 'DIDCommMalformed');
    await expectError({ op: 'pack_encrypted', message: message(), to: BOB, options: { enc_alg_anon: 'Nope' }, ...as(ALICE) }, 'DIDCommMalformed');
    await expectError({ op: 'pack_signed', message: { id: 1 }, signBy: `${ALICE}#key-1`, ...as(ALICE) }, 'DIDCommMalformed');
    await expectError({ op: 'pack_encrypted', message: message(), to: BOB, from: ALICE, didDocs: [], secrets: [] }, 'DIDCommDIDNotResolved');
    await expectError({ op: 'pack_signed', message: message(), signBy: `${ALICE}#key-1`, didDocs: docs, secrets: [] }, 'DIDCommSecretNotFound');
    const p = await h.ok({ op: 'pack_encrypted', message: message(), to: BOB, options: {}, ...as(ALICE) });
    await expectError({ op: 'forward_unwrap', packed: p.packed, ...as(BOB) }, 'NotForward');
    await h.ok({ op: 'ping' });
  });
}

// ---------------------------------------------------------------------------
// Part 2: the shared vector set, compared with the recorded reference outcome
// ---------------------------------------------------------------------------

async function vectors(h) {
  const manifest = readJson(join(vectorsDir, 'manifest.json'));
  const recordedPath = join(vectorsDir, 'results-didcomm-node-0.4.1.json');
  const recorded = new Map(readJson(recordedPath).results.map((r) => [r.id, r]));
  const keysCache = new Map();
  const keys = (file) => {
    if (!keysCache.has(file)) {
      const { didDocs, secrets } = readJson(join(vectorsDir, file));
      keysCache.set(file, { didDocs, secrets });
    }
    return keysCache.get(file);
  };

  const tally = { pass: 0, gap: 0, fail: 0 };
  for (const v of manifest.vectors) {
    if (!v.keys) continue;
    const packed = readFileSync(join(vectorsDir, v.file), 'utf8');
    const r = await h.call({ op: 'unpack', packed, ...keys(v.keys) });
    const problems = [];
    if (v.expect === 'success') {
      if (!r.ok) {
        problems.push(`expected success, got ${r.error.name}: ${r.error.message}`);
      } else {
        if (v.expectedPlaintext) {
          const expected = JSON.parse(readFileSync(join(vectorsDir, v.expectedPlaintext), 'utf8'));
          if (!same(r.message, expected)) problems.push('plaintext differs');
        }
        for (const [field, value] of Object.entries(v.expectedMetadata ?? {})) {
          if (!same(r.metadata[field] ?? null, value)) {
            problems.push(`metadata.${field} ${JSON.stringify(r.metadata[field])} != ${JSON.stringify(value)}`);
          }
        }
      }
    } else if (r.ok) {
      problems.push('expected an error, got success');
    } else {
      if (v.expectedError?.name && r.error.name !== v.expectedError.name) problems.push(`error name ${r.error.name}`);
      if (v.expectedError?.message && r.error.message !== v.expectedError.message) problems.push(`error message "${r.error.message}"`);
    }

    // The reference must behave as recorded, gaps included.
    const rec = recorded.get(v.id);
    const outcome = r.ok ? 'success' : 'error';
    if (!rec) problems.push('no recorded result');
    else if (rec.outcome !== outcome || (!r.ok && rec.error && !same(rec.error, r.error))) {
      problems.push(`differs from recorded outcome ${rec.outcome}${rec.error ? ` (${rec.error.name}: ${rec.error.message})` : ''}`);
    }

    const how = r.ok ? 'success' : `${r.error.name}`;
    if (problems.length === 0) {
      tally.pass++;
      report('ok', `vector ${v.id}`, how);
    } else if (v.referenceGap && rec && !rec.pass && rec.outcome === outcome) {
      tally.gap++;
      report('skip', `vector ${v.id}`, `reference gap: ${v.referenceGap} (${r.error?.name}: ${r.error?.message})`);
    } else {
      tally.fail++;
      report('fail', `vector ${v.id}`, problems.join('; '));
    }
  }
  return tally;
}

// ---------------------------------------------------------------------------

if (!existsSync(join(vectorsDir, 'manifest.json'))) {
  console.error(`vectors not found in ${vectorsDir} (pass the folder as argument or DIDCOMM_VECTORS)`);
  process.exit(2);
}

const h = new Harness();
console.log('Round trips (didcomm-node 0.4.1 via didcomm.mjs):');
await roundTrips(h);
console.log(`Vectors (${vectorsDir}):`);
const tally = await vectors(h);
const exitCode = await h.close();
if (exitCode !== 0) report('fail', 'harness exit code', `exited ${exitCode} at end of input`);

console.log(`Vectors: ${tally.pass + tally.gap + tally.fail} unpacked, ${tally.pass} pass, ${tally.fail} fail, ${tally.gap} reference gaps`);
console.log(`selftest: ${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
process.exit(results.failed === 0 ? 0 : 1);
