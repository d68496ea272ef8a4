// A small verifier built on @openid4vc/openid4vp, to be answered by Rotonde's wallet. It
// listens on 127.0.0.1:<port>, makes an unsigned `redirect_uri:` request by value (the library
// builds it: response_mode direct_post, the DCQL query given, a fresh nonce), prints
// {"invocation": ...} as its first stdout line, receives the wallet's direct_post at the
// response URI, lets the library parse and validate the response (state, DCQL vp_token
// shape), checks the DCQL answer with `dcql`, verifies each SD-JWT VC presentation with
// @sd-jwt/sd-jwt-vc (issuer key given in the input, KB-JWT against cnf.jwk, nonce and aud),
// answers the wallet, prints {"result": ...} and exits.
// Input: {port, dcql_query, issuer_jwk}.
import { createServer } from "node:http";
import { createPublicKey, randomBytes, verify as cryptoVerify } from "node:crypto";
import { digest } from "@sd-jwt/crypto-nodejs";
import { SDJwtVcInstance } from "@sd-jwt/sd-jwt-vc";
import { Openid4vpVerifier } from "@openid4vc/openid4vp";
import { setGlobalConfig } from "@openid4vc/utils";
import { DcqlPresentationResult, DcqlQuery } from "dcql";
import { describe, hash, readInput } from "./_common.mjs";

const input = await readInput();
setGlobalConfig({ allowInsecureUrls: true });

function verifyWith(jwk, data, sig) {
  const key = createPublicKey({ key: jwk, format: "jwk" });
  const signature = Buffer.from(sig, "base64url");
  if (jwk.kty === "OKP") return cryptoVerify(null, Buffer.from(data), key, signature);
  return cryptoVerify("sha256", Buffer.from(data), { key, dsaEncoding: "ieee-p1363" }, signature);
}

const fail = async () => { throw new Error("not used by this verifier"); };
const verifier = new Openid4vpVerifier({
  callbacks: { fetch, hash, signJwt: fail, encryptJwe: fail, verifyJwt: fail,
    decryptJwe: async () => ({ decrypted: false }) },
});

const base = `http://127.0.0.1:${input.port}`;
const responseUri = `${base}/response`;
const clientId = `redirect_uri:${responseUri}`;
const nonce = randomBytes(16).toString("base64url");
const state = randomBytes(16).toString("base64url");
const query = DcqlQuery.parse(input.dcql_query);
DcqlQuery.validate(query);
const created = await verifier.createOpenId4vpAuthorizationRequest({
  authorizationRequestPayload: {
    response_type: "vp_token", client_id: clientId, response_uri: responseUri,
    response_mode: "direct_post", nonce, state, dcql_query: input.dcql_query,
    client_metadata: { client_name: "OWF interop verifier", vp_formats_supported: {
      "dc+sd-jwt": { "sd-jwt_alg_values": ["ES256", "Ed25519"],
                     "kb-jwt_alg_values": ["ES256", "Ed25519"] } } },
  },
});
const request = created.authorizationRequestPayload;

const sdjwt = new SDJwtVcInstance({
  hasher: digest, hashAlg: "sha-256",
  verifier: (data, sig) => verifyWith(input.issuer_jwk, data, sig),
  kbVerifier: (data, sig, payload) => verifyWith(payload.cnf.jwk, data, sig),
});

async function check(form) {
  const out = {};
  const parsed = await verifier.parseOpenid4vpAuthorizationResponse({
    authorizationResponse: form, authorizationRequestPayload: request,
  });
  out.state_ok = parsed.authorizationResponsePayload.state === state;
  const presentations = parsed.type === "dcql" ? parsed.dcql.presentations : {};
  out.presentations = {};
  const shown = {};
  for (const [qid, items] of Object.entries(presentations)) {
    out.presentations[qid] = [];
    for (const item of [].concat(items)) {
      const got = await sdjwt.verify(item, { keyBindingNonce: nonce });
      if (got.kb?.payload.aud !== clientId) throw new Error(`KB-JWT aud ${got.kb?.payload.aud}`);
      const claims = await sdjwt.getClaims(item);
      out.presentations[qid].push({ vct: got.payload.vct, kb: got.kb.payload, claims });
      shown[qid] = [{ credential_format: "dc+sd-jwt", vct: got.payload.vct, claims,
                      cryptographic_holder_binding: true }];
    }
  }
  const result = DcqlPresentationResult.fromDcqlPresentation(shown, { dcqlQuery: query });
  out.dcql_satisfied = result.can_be_satisfied;
  return out;
}

let done;
const finished = new Promise((resolve) => { done = resolve; });
const server = createServer((req, res) => {
  if (req.method !== "POST" || req.url !== "/response") {
    res.writeHead(404).end();
    return;
  }
  let body = "";
  req.on("data", (chunk) => { body += chunk; });
  req.on("end", async () => {
    const form = Object.fromEntries(new URLSearchParams(body));
    let result;
    try {
      result = { ok: true, ...(await check(form)) };
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    } catch (error) {
      result = { ok: false, error: describe(error) };
      res.writeHead(400, { "content-type": "application/json" })
        .end(JSON.stringify({ error: "invalid_request" }));
    }
    done(result);
  });
});
server.listen(input.port, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ invocation: created.authorizationRequest }) + "\n");
});
const timer = setTimeout(() => done({ ok: false, error: { message: "no answer in time" } }),
  (input.timeout ?? 60) * 1000);
const result = await finished;
clearTimeout(timer);
process.stdout.write(JSON.stringify({ result }) + "\n");
server.close();
process.exit(0);
