// Shared plumbing for the interop scripts: read the JSON input from stdin, print the JSON
// result, and the callbacks the OpenWallet Foundation libraries need (hash, random, JWS
// signing with `jose`). The scripts drive the libraries; they do not re-implement protocols.
import { createHash, randomBytes } from "node:crypto";
import { CompactSign, exportJWK, generateKeyPair, importJWK } from "jose";

export async function readInput() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
}

export function print(value) {
  process.stdout.write(JSON.stringify(value));
}

export function describe(error) {
  // An error of the library under test, with what it carries (response bodies included).
  const out = { name: error?.name, message: String(error?.message ?? error) };
  for (const key of ["response", "errorResponse", "credentialResponseResult", "cause"]) {
    if (error?.[key] !== undefined) {
      try {
        out[key] = JSON.parse(JSON.stringify(error[key]));
      } catch {
        out[key] = String(error[key]);
      }
    }
  }
  return out;
}

export const hash = (data, alg) => {
  const name = { "sha-256": "sha256", "sha-384": "sha384", "sha-512": "sha512" }[alg] ?? "sha256";
  return new Uint8Array(createHash(name).update(data).digest());
};

export const generateRandom = (n) => new Uint8Array(randomBytes(n));

/** A holder key: ES256 (P-256) or EdDSA (Ed25519), as private key + public JWK. */
export async function holderKey(alg) {
  const { privateKey, publicKey } = await generateKeyPair(alg === "EdDSA" ? "Ed25519" : "ES256",
    { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { alg, privateKey, publicJwk, privateJwk: await exportJWK(privateKey) };
}

export async function signCompact(header, payload, privateKey) {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader(header).sign(privateKey);
}

/** The `signJwt` callback of @openid4vc/oauth2 for the one holder key. */
export function signJwtWith(key) {
  return async (signer, { header, payload }) => {
    const jwt = await signCompact(header, payload, key.privateKey);
    return { jwt, signerJwk: key.publicJwk };
  };
}

export { importJWK };
