#!/usr/bin/env node
// JSON Lines harness around the reference DIDComm v2 implementation (didcomm-node 0.4.1,
// the WASM build of sicpa-dlab/didcomm-rust). One request per stdin line, one response
// line per request on stdout, strictly in order. See README.md for the protocol.

import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const LIBRARY = 'didcomm-node@0.4.1';

// didcomm-node is CommonJS and instantiates its WASM module when first required.
// A Rust panic (e.g. wrap_in_forward with no routing keys) leaves that instance in an
// undefined state, so after one the harness loads a fresh copy (see handle()).
const require = createRequire(import.meta.url);
function loadLibrary() {
  const path = require.resolve('didcomm-node');
  delete require.cache[path];
  return require(path);
}
let Message = loadLibrary().Message;

// ---------------------------------------------------------------------------
// Key material: every request brings its own DID docs and secrets.
// ---------------------------------------------------------------------------

// didcomm-rust's serde model wants relationships as kid strings and every key in
// verificationMethod. Spec-style docs embed the method objects in keyAgreement /
// authentication, so lift those out; unknown members (e.g. "@context") are dropped.
function normalizeDidDoc(doc) {
  if (!doc || typeof doc !== 'object' || typeof doc.id !== 'string') {
    throw badRequest('every didDocs entry must be an object with a string "id"');
  }
  const methods = Array.isArray(doc.verificationMethod) ? [...doc.verificationMethod] : [];
  const known = new Set(methods.map((m) => m.id));
  const kids = (relation) =>
    (Array.isArray(relation) ? relation : []).map((entry) => {
      if (typeof entry === 'string') return entry;
      if (!known.has(entry.id)) {
        methods.push(entry);
        known.add(entry.id);
      }
      return entry.id;
    });
  return {
    id: doc.id,
    keyAgreement: kids(doc.keyAgreement),
    authentication: kids(doc.authentication),
    verificationMethod: methods,
    service: Array.isArray(doc.service) ? doc.service : [],
  };
}

// Secrets are { id, type, privateKeyJwk }. A bare private JWK carrying its own "kid"
// (spec Appendix A shape; spec/secrets-bob.json even spells it "kid ") is accepted too.
function normalizeSecret(secret) {
  if (!secret || typeof secret !== 'object') throw badRequest('every secrets entry must be an object');
  if ('privateKeyJwk' in secret || 'privateKeyMultibase' in secret || 'privateKeyBase58' in secret) {
    return secret;
  }
  const kidKey = Object.keys(secret).find((k) => k.trim() === 'kid');
  if (secret.kty && kidKey) {
    const { [kidKey]: kid, ...jwk } = secret;
    return { id: kid, type: 'JsonWebKey2020', privateKeyJwk: jwk };
  }
  throw badRequest('secret has neither privateKeyJwk/Multibase/Base58 nor a bare JWK with "kid"');
}

function resolvers(request) {
  const docs = new Map((request.didDocs ?? []).map((d) => normalizeDidDoc(d)).map((d) => [d.id, d]));
  const secrets = new Map((request.secrets ?? []).map((s) => normalizeSecret(s)).map((s) => [s.id, s]));
  const didResolver = {
    resolve: async (did) => docs.get(did) ?? null,
  };
  const secretsResolver = {
    get_secret: async (kid) => secrets.get(kid) ?? null,
    find_secrets: async (kids) => kids.filter((kid) => secrets.has(kid)),
  };
  return { didResolver, secretsResolver };
}

// ---------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------

function badRequest(message) {
  const e = new Error(message);
  e.name = 'BadRequest';
  return e;
}

function requireString(request, field) {
  const v = request[field];
  if (typeof v !== 'string' || v === '') throw badRequest(`"${field}" must be a non-empty string`);
  return v;
}

function requireObject(request, field) {
  const v = request[field];
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw badRequest(`"${field}" must be a JSON object`);
  return v;
}

function optionsOf(request) {
  const v = request.options ?? {};
  if (typeof v !== 'object' || Array.isArray(v)) throw badRequest('"options" must be a JSON object');
  return v;
}

// Packed messages travel as JSON strings; a JSON object is accepted and serialised.
function packedText(request) {
  const v = request.packed;
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') return JSON.stringify(v);
  throw badRequest('"packed" must be a string (the packed message)');
}

// forward_headers is typed Array<[name, value]> in index.d.ts, but the Rust side
// deserialises a map (HashMap<String, Value>); accept both, pass the map.
function headerMap(headers) {
  if (headers == null) return undefined;
  if (Array.isArray(headers)) return Object.fromEntries(headers);
  if (typeof headers === 'object') return headers;
  throw badRequest('headers must be an object or an array of [name, value] pairs');
}

// Runs fn with a wasm-backed Message and frees it afterwards.
async function withMessage(messageOrPromise, fn) {
  const message = await messageOrPromise;
  try {
    return await fn(message);
  } finally {
    message.free();
  }
}

async function unpack(request, r) {
  const [message, metadata] = await Message.unpack(
    packedText(request),
    r.didResolver,
    r.secretsResolver,
    optionsOf(request),
  );
  return { message, metadata };
}

const operations = {
  ping: async () => ({ library: LIBRARY, node: process.version }),

  pack_plaintext: async (request, r) =>
    withMessage(new Message(requireObject(request, 'message')), async (msg) => ({
      packed: await msg.pack_plaintext(r.didResolver),
    })),

  pack_signed: async (request, r) =>
    withMessage(new Message(requireObject(request, 'message')), async (msg) => {
      const [packed, metadata] = await msg.pack_signed(
        requireString(request, 'signBy'),
        r.didResolver,
        r.secretsResolver,
      );
      return { packed, metadata };
    }),

  pack_encrypted: async (request, r) => {
    const given = optionsOf(request);
    // The library defaults forward to true; this harness defaults it to false.
    const options = { ...given, forward: given.forward ?? false };
    if ('forward_headers' in options) options.forward_headers = headerMap(options.forward_headers);
    return withMessage(new Message(requireObject(request, 'message')), async (msg) => {
      const [packed, metadata] = await msg.pack_encrypted(
        requireString(request, 'to'),
        request.from ?? null,
        request.signBy ?? null,
        r.didResolver,
        r.secretsResolver,
        options,
      );
      return { packed, metadata };
    });
  },

  unpack: async (request, r) => {
    const { message, metadata } = await unpack(request, r);
    return withMessage(message, async (msg) => ({ message: msg.as_value(), metadata }));
  },

  forward_unwrap: async (request, r) => {
    const { message, metadata } = await unpack(request, r);
    return withMessage(message, async (msg) => {
      // try_parse_forward returns a plain object { msg, next, forwarded_msg } or null.
      const parsed = msg.try_parse_forward();
      if (!parsed) {
        const e = new Error(`unpacked message is not a Forward (type ${msg.as_value().type})`);
        e.name = 'NotForward';
        throw e;
      }
      return {
        next: parsed.next,
        forwarded: JSON.stringify(parsed.forwarded_msg),
        message: parsed.msg,
        metadata,
      };
    });
  },

  wrap_in_forward: async (request, r) => {
    const routingKeys = request.routingKeys;
    // The library panics on an empty list (Vec::remove(0)); refuse it here.
    if (!Array.isArray(routingKeys) || routingKeys.length === 0) {
      throw badRequest('"routingKeys" must be a non-empty array of key ids');
    }
    return {
      packed: await Message.wrap_in_forward(
        packedText(request),
        headerMap(request.headers) ?? {},
        requireString(request, 'to'),
        routingKeys,
        request.encAlgAnon ?? 'Xc20pEcdhEsA256kw',
        r.didResolver,
      ),
    };
  },
};

// ---------------------------------------------------------------------------
// JSON Lines loop
// ---------------------------------------------------------------------------

function errorBody(e) {
  if (e instanceof Error) return { name: e.name || 'Error', message: e.message };
  return { name: 'Error', message: String(e) };
}

// A panic inside an async library call surfaces as an uncaught WebAssembly.RuntimeError
// from a microtask, not as a rejection: route it to the request in flight.
let onPanic = null;
process.on('uncaughtException', (err) => {
  if (onPanic) return onPanic(err);
  console.error(err);
  process.exit(70);
});

async function handle(line) {
  let request;
  try {
    request = JSON.parse(line);
  } catch (e) {
    return { id: null, ok: false, error: { name: 'BadRequest', message: `invalid JSON: ${e.message}` } };
  }
  if (!request || typeof request !== 'object' || Array.isArray(request)) {
    return { id: null, ok: false, error: { name: 'BadRequest', message: 'request must be a JSON object' } };
  }
  const id = request.id ?? null;
  try {
    if (typeof request.op !== 'string' || !Object.hasOwn(operations, request.op)) {
      throw badRequest(`unknown op ${JSON.stringify(request.op)}`);
    }
    const op = operations[request.op];
    const panicked = new Promise((_, reject) => (onPanic = reject));
    const result = await Promise.race([op(request, resolvers(request)), panicked]);
    return { id, ok: true, ...result };
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) {
      Message = loadLibrary().Message;
      return { id, ok: false, error: { name: 'WasmPanic', message: `didcomm-node panicked: ${e.message}` } };
    }
    return { id, ok: false, error: errorBody(e) };
  } finally {
    onPanic = null;
  }
}

function write(text) {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (err) => (err ? reject(err) : resolve()));
  });
}

process.stdout.on('error', (err) => {
  // The reader went away (EPIPE): nobody is left to answer.
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (line.trim() === '') continue;
  const response = await handle(line);
  let text;
  try {
    text = JSON.stringify(response);
  } catch (e) {
    text = JSON.stringify({ id: response.id, ok: false, error: errorBody(e) });
  }
  await write(text + '\n');
}
