// An OpenWallet Foundation OpenID4VP wallet (@openid4vc/openid4vp) answers a Rotonde verifier:
// the library parses the invocation, fetches the request object (request_uri, POST when the
// verifier asks for it), verifies its signature (the key found in the verifier's did:web
// document, resolved here over HTTP) and validates the request itself; the DCQL query is
// evaluated with `dcql`; the SD-JWT VC is presented with a KB-JWT by @sd-jwt/sd-jwt-vc; the
// library builds the response (direct_post, or direct_post.jwt: a JWE to the verifier's key
// made with `jose`) and submits it.
// Input: {invocation_uri, credential, holder_jwk (private), alg, vp_token_override?}.
// Output: {client_id, response_mode, dcql: {can_be_satisfied, ...}, status, body} or {error}.
import { digest, generateSalt } from "@sd-jwt/crypto-nodejs";
import { SDJwtVcInstance } from "@sd-jwt/sd-jwt-vc";
import { Openid4vpClient } from "@openid4vc/openid4vp";
import { setGlobalConfig } from "@openid4vc/utils";
import { DcqlQuery } from "dcql";
import { CompactEncrypt, importJWK } from "jose";
import { createPublicKey, verify as cryptoVerify } from "node:crypto";
import { describe, hash, print, readInput, signCompact } from "./_common.mjs";

const input = await readInput();
setGlobalConfig({ allowInsecureUrls: true }); // the verifier listens on loopback http in tests

/** did:web -> its document URL (DID Web method §3.2; http for a loopback host in tests). */
function didWebUrl(did) {
  const [host, ...path] = did.slice("did:web:".length).split(":").map(decodeURIComponent);
  const scheme = host.startsWith("127.0.0.1") || host.startsWith("localhost") ? "http" : "https";
  return `${scheme}://${host}/${path.length ? path.join("/") : ".well-known"}/did.json`;
}

async function resolveDidUrl(didUrl) {
  const did = didUrl.split("#")[0];
  if (!did.startsWith("did:web:")) throw new Error(`cannot resolve ${did}`);
  const doc = await (await fetch(didWebUrl(did))).json();
  if (doc.id !== did) throw new Error(`the document at ${didWebUrl(did)} is for ${doc.id}`);
  const vm = (doc.verificationMethod ?? []).find((m) => m.id === didUrl
    || `${did}${m.id}` === didUrl);
  if (!vm?.publicKeyJwk) throw new Error(`no JWK for ${didUrl}`);
  return vm.publicKeyJwk;
}

function verifyWith(jwk, data, sig) {
  const key = createPublicKey({ key: jwk, format: "jwk" });
  const signature = Buffer.from(sig, "base64url");
  if (jwk.kty === "OKP") return cryptoVerify(null, Buffer.from(data), key, signature);
  return cryptoVerify("sha256", Buffer.from(data), { key, dsaEncoding: "ieee-p1363" }, signature);
}

const verifyJwt = async (signer, { compact }) => {
  let jwk;
  if (signer.method === "did") jwk = await resolveDidUrl(signer.didUrl);
  else if (signer.method === "jwk") jwk = signer.publicJwk;
  else return { verified: false };
  const [h, p, s] = compact.split(".");
  return { verified: verifyWith(jwk, `${h}.${p}`, s), signerJwk: jwk };
};

const encryptJwe = async (encryptor, data) => {
  const header = { alg: encryptor.alg, enc: encryptor.enc };
  if (encryptor.publicJwk.kid) header.kid = encryptor.publicJwk.kid;
  const params = {};
  if (encryptor.apu) params.apu = Buffer.from(encryptor.apu, "base64url");
  if (encryptor.apv) params.apv = Buffer.from(encryptor.apv, "base64url");
  const key = await importJWK(encryptor.publicJwk, encryptor.alg);
  const jwe = await new CompactEncrypt(new TextEncoder().encode(data))
    .setProtectedHeader(header).setKeyManagementParameters(params).encrypt(key);
  return { encryptionJwk: encryptor.publicJwk, jwe };
};

const client = new Openid4vpClient({
  callbacks: { fetch, hash, verifyJwt, encryptJwe,
    signJwt: async () => { throw new Error("this wallet signs nothing but KB-JWTs"); },
    decryptJwe: async () => ({ decrypted: false }) },
});

const out = {};
try {
  const parsed = client.parseOpenid4vpAuthorizationRequest({ authorizationRequest: input.invocation_uri });
  const resolved = await client.resolveOpenId4vpAuthorizationRequest({
    authorizationRequestPayload: parsed.params,
  });
  const request = resolved.authorizationRequestPayload;
  out.client_id = request.client_id;
  out.client = resolved.client;
  out.signed = resolved.jar !== undefined;
  out.response_mode = request.response_mode;
  out.response_uri = request.response_uri;

  // DCQL with `dcql`: which query does the credential answer, and which claims to show?
  const holderKey = await importJWK(input.holder_jwk, input.alg);
  const sdjwt = new SDJwtVcInstance({
    hasher: digest, hashAlg: "sha-256", saltGenerator: generateSalt,
    kbSigner: async (data) => {
      const [h, p] = data.split(".");
      const header = JSON.parse(Buffer.from(h, "base64url").toString());
      const payload = JSON.parse(Buffer.from(p, "base64url").toString());
      return (await signCompact(header, payload, holderKey)).split(".")[2];
    },
    kbSignAlg: input.alg,
  });
  const claims = await sdjwt.getClaims(input.credential);
  const query = DcqlQuery.parse(resolved.dcql.query);
  DcqlQuery.validate(query);
  const result = DcqlQuery.query(query, [{
    credential_format: "dc+sd-jwt", vct: claims.vct, claims,
    cryptographic_holder_binding: true,
  }]);
  out.dcql = { can_be_satisfied: result.can_be_satisfied,
               matched: Object.keys(result.credential_matches ?? {}) };
  if (!result.can_be_satisfied) throw new Error("dcql: the credential does not satisfy the query");
  const queryId = query.credentials[0].id;
  const frame = {};
  for (const c of query.credentials[0].claims ?? []) {
    let node = frame;
    c.path.forEach((part, i) => {
      if (i === c.path.length - 1) node[part] = true;
      else node = (node[part] = node[part] === true ? {} : (node[part] ?? {}));
    });
  }
  const presentation = await sdjwt.present(input.credential, frame, {
    kb: { payload: { iat: Math.floor(Date.now() / 1000), aud: request.client_id,
                     nonce: request.nonce } },
  });
  out.disclosed = frame;
  const vp_token = input.vp_token_override ?? { [queryId]: [presentation] };

  const jarm = request.response_mode === "direct_post.jwt" ? {
    encryption: { nonce: undefined },
    serverMetadata: {
      authorization_signing_alg_values_supported: [],
      authorization_encryption_alg_values_supported: ["ECDH-ES"],
      authorization_encryption_enc_values_supported: ["A128GCM", "A256GCM"],
    },
  } : undefined;
  const response = await client.createOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request, authorizationResponsePayload: { vp_token }, jarm,
  });
  out.encrypted = response.jarm !== undefined;
  const submitted = await client.submitOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request,
    authorizationResponsePayload: response.authorizationResponsePayload, jarm: response.jarm,
  });
  out.status = submitted.response.status;
  const text = await submitted.response.text();
  try { out.body = JSON.parse(text); } catch { out.body = text; }
} catch (error) {
  out.error = describe(error);
}
print(out);
