// @sd-jwt/sd-jwt-vc verifies Rotonde SD-JWT VCs: the issuer signature with the key the
// issuer's JWT VC Issuer Metadata lists under the header `kid` (fetched over HTTP from the
// `metadata_url` given), the disclosures (sha-256, @sd-jwt/crypto-nodejs), the Token Status
// List entry (fetched by the library from the `status.status_list.uri`), and, for a
// presentation, the KB-JWT against `cnf.jwk` with the expected nonce.
// Input: {metadata_url, items: [{credential, kb: bool, nonce?}]}.
// Output: {results: [{ok, payload?, kb?, error?}]}.
import { createPublicKey, verify as cryptoVerify } from "node:crypto";
import { digest } from "@sd-jwt/crypto-nodejs";
import { SDJwtVcInstance } from "@sd-jwt/sd-jwt-vc";
import { describe, print, readInput } from "./_common.mjs";

const input = await readInput();
const metadata = await (await fetch(input.metadata_url)).json();

function headerOf(data) {
  return JSON.parse(Buffer.from(data.split(".")[0], "base64url").toString("utf8"));
}

function verifyWith(jwk, data, sig) {
  const key = createPublicKey({ key: jwk, format: "jwk" });
  const signature = Buffer.from(sig, "base64url");
  if (jwk.kty === "OKP") return cryptoVerify(null, Buffer.from(data), key, signature);
  return cryptoVerify("sha256", Buffer.from(data), { key, dsaEncoding: "ieee-p1363" }, signature);
}

// The issuer key: the JWT VC Issuer Metadata entry whose kid is the header kid (a DID URL's
// fragment names the same entry).
const issuerVerifier = (data, sig) => {
  const kid = headerOf(data).kid ?? "";
  const fragment = kid.includes("#") ? kid.split("#")[1] : kid;
  const jwk = metadata.jwks.keys.find((k) => k.kid === kid || k.kid === fragment);
  if (!jwk) throw new Error(`no key ${kid} in the JWT VC Issuer Metadata`);
  return verifyWith(jwk, data, sig);
};

const kbVerifier = (data, sig, payload) => {
  if (!payload?.cnf?.jwk) throw new Error("no cnf.jwk to check the KB-JWT against");
  return verifyWith(payload.cnf.jwk, data, sig);
};

const sdjwt = new SDJwtVcInstance({
  hasher: digest, hashAlg: "sha-256", verifier: issuerVerifier, kbVerifier,
  statusVerifier: issuerVerifier,
});

const results = [];
for (const item of input.items) {
  try {
    const options = item.kb ? { keyBindingNonce: item.nonce } : {};
    const got = await sdjwt.verify(item.credential, options);
    if (item.kb && !got.kb) throw new Error("no key binding verified");
    results.push({ ok: true, payload: got.payload, kb: got.kb?.payload ?? null,
                   claims: await sdjwt.getClaims(item.credential) });
  } catch (error) {
    results.push({ ok: false, error: describe(error) });
  }
}
print({ issuer: metadata.issuer, results });
