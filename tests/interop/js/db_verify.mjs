// Verifies credentials with Digital Bazaar's @digitalbazaar/vc (eddsa-rdfc-2022 and
// eddsa-jcs-2022 Data Integrity suites), using a documentLoader that knows ONLY published
// contexts and fetches nothing but Rotonde's own contexts and DID documents from the issuer
// under test (issue 15 E).
//
// stdin:  {"credentials": [vc, ...], "issuerBase": "http://127.0.0.1:PORT",
//          "conformance": "/path/to/shared/conformance", "now": "2026-...Z" (optional)}
// stdout: {"results": [{"verified": bool, "error": str|null, "status": [...]}, ...],
//          "fetched": [{"url", "status", "contentType", "cacheControl", "cors", "sri"}]}
//
// Published contexts come from the npm package @digitalbazaar/credentials-context (VCDM 1.1,
// 2.0, undefined-terms) and, as no package of the lock file carries them, from the published
// files in the shared conformance folder (OB 3.0.3, multikey v1, bitstring status list v1).
// A did:web DID on a loopback host resolves over http (did:web §3.2 says https; the issuer
// under test serves http on 127.0.0.1).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

import { contexts as credentialsContexts } from "@digitalbazaar/credentials-context";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { cryptosuite as eddsaRdfc2022 } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import { createVerifyCryptosuite as eddsaJcs2022 } from "@digitalbazaar/eddsa-jcs-2022-cryptosuite";
import * as vc from "@digitalbazaar/vc";

const input = JSON.parse(readFileSync(0, "utf8"));
const base = input.issuerBase.replace(/\/$/, "");
const conf = input.conformance;

const published = new Map(credentialsContexts);
const fromConformance = {
  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "obv3/contexts/context-3.0.3.json",
  "https://w3id.org/security/multikey/v1": "contexts/multikey-v1.jsonld",
  "https://www.w3.org/ns/credentials/status/v1": "contexts/credentials-status-v1.jsonld",
};
for (const [url, file] of Object.entries(fromConformance)) {
  published.set(url, JSON.parse(readFileSync(`${conf}/${file}`, "utf8")));
}

const fetched = [];
const fetchedBodies = new Map();

async function get(url) {
  const res = await fetch(url, { headers: { accept: "application/ld+json, application/json" } });
  const body = Buffer.from(await res.arrayBuffer());
  fetched.push({
    url, status: res.status, contentType: res.headers.get("content-type"),
    cacheControl: res.headers.get("cache-control"),
    cors: res.headers.get("access-control-allow-origin"),
    sri: "sha384-" + createHash("sha384").update(body).digest("base64"),
  });
  if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status}`);
  fetchedBodies.set(url, body);
  return JSON.parse(body.toString("utf8"));
}

function didWebUrl(did) {
  const [host, ...path] = did.slice("did:web:".length).split(":").map(decodeURIComponent);
  const hostname = host.replace(/:\d+$/, "");
  const scheme = hostname === "127.0.0.1" || hostname === "localhost" ? "http" : "https";
  return `${scheme}://${host}/${path.length ? path.join("/") : ".well-known"}/did.json`;
}

const didDocs = new Map();
async function resolveDid(did) {
  if (!didDocs.has(did)) {
    if (!did.startsWith("did:web:")) throw new Error(`unsupported DID method: ${did}`);
    const doc = await get(didWebUrl(did));
    if (doc.id !== did) throw new Error(`DID document id ${doc.id} is not ${did}`);
    didDocs.set(did, doc);
  }
  return didDocs.get(did);
}

const cache = new Map();
async function documentLoader(url) {
  if (published.has(url)) {
    return { contextUrl: null, documentUrl: url, document: published.get(url) };
  }
  if (url.startsWith("did:")) {
    const [did, fragment] = url.split("#");
    const doc = await resolveDid(did);
    if (!fragment) return { contextUrl: null, documentUrl: url, document: doc };
    const vm = (doc.verificationMethod || []).find((m) => m.id === url || m.id === `#${fragment}`);
    if (!vm) throw new Error(`no verification method ${url}`);
    return {
      contextUrl: null, documentUrl: url,
      document: { "@context": "https://w3id.org/security/multikey/v1", ...vm },
    };
  }
  // Rotonde's own vocabularies and the issuer's status lists: only under the issuer's base.
  if (url.startsWith(base + "/")) {
    if (!cache.has(url)) cache.set(url, get(url));  // the promise: concurrent loads share it
    return { contextUrl: null, documentUrl: url, document: await cache.get(url) };
  }
  throw new Error(`documentLoader: ${url} is neither a published context nor the issuer's`);
}

function suiteFor(credential) {
  const proofs = [].concat(credential.proof || []);
  return proofs.map((p) => new DataIntegrityProof({
    cryptosuite: p.cryptosuite === "eddsa-jcs-2022" ? eddsaJcs2022() : eddsaRdfc2022,
  }));
}

// Bitstring Status List 1.0 §3.2 "Validate Algorithm": fetch and verify the status list
// credential, expand encodedList (multibase base64url, GZIP), read the bit.
async function checkStatus({ credential }) {
  const entries = [].concat(credential.credentialStatus || []);
  const status = [];
  for (const entry of entries) {
    if (entry.type !== "BitstringStatusListEntry") {
      return { verified: false, error: `unknown status type ${entry.type}` };
    }
    const list = await documentLoader(entry.statusListCredential).then((r) => r.document);
    const res = await vc.verifyCredential({
      credential: list, suite: suiteFor(list), documentLoader, now: input.now,
    });
    if (!res.verified) {
      const why = (res.results || []).map((r) => r.error && r.error.message).filter(Boolean);
      if (res.error) why.push(String(res.error.message || res.error));
      return { verified: false, error: `status list credential not verified: ${why.join("; ")}` };
    }
    const subject = list.credentialSubject;
    if (subject.statusPurpose !== entry.statusPurpose) {
      return { verified: false, error: "status purpose mismatch" };
    }
    const encoded = subject.encodedList;
    if (!encoded.startsWith("u")) return { verified: false, error: "encodedList not base64url" };
    const bits = gunzipSync(Buffer.from(encoded.slice(1), "base64url"));
    const index = Number(entry.statusListIndex);
    const set = (bits[index >> 3] >> (7 - (index & 7))) & 1;
    status.push({ purpose: entry.statusPurpose, index, set: Boolean(set) });
  }
  const revoked = status.some((s) => s.set);
  return { verified: !revoked, status, error: revoked ? "status bit set" : null };
}

function relatedResourceMismatches(credential) {
  const out = [];
  for (const r of [].concat(credential.relatedResource || [])) {
    const body = fetchedBodies.get(r.id);
    if (body === undefined) continue;
    const [alg, value] = r.digestSRI.split("-");
    const got = createHash(alg).update(body).digest("base64");
    if (got !== value) out.push(r.id);
  }
  return out;
}

const results = [];
for (const credential of input.credentials) {
  try {
    const res = await vc.verifyCredential({
      credential, suite: suiteFor(credential), documentLoader, checkStatus, now: input.now,
    });
    const errors = [];
    if (!res.verified) {
      for (const r of res.results || []) if (r.error) errors.push(String(r.error.message || r.error));
      if (res.error) errors.push(String(res.error.message || res.error));
      if (res.statusResult && res.statusResult.error) errors.push(res.statusResult.error);
    }
    const mismatched = relatedResourceMismatches(credential);
    if (mismatched.length) errors.push(`relatedResource digest mismatch: ${mismatched}`);
    results.push({
      verified: res.verified && mismatched.length === 0,
      error: errors.length ? errors.join("; ") : null,
      status: res.statusResult ? res.statusResult.status : null,
    });
  } catch (e) {
    results.push({ verified: false, error: String(e && e.stack || e), status: null });
  }
}
process.stdout.write(JSON.stringify({ results, fetched }));
