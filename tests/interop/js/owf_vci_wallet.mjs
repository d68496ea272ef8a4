// The OpenWallet Foundation OpenID4VCI wallet client (@openid4vc/openid4vci) redeems a Rotonde
// credential offer: resolve the offer and the issuer metadata, pre-authorized code + tx_code at
// the token endpoint, a nonce, a key proof, and one credential request per offered
// configuration. Input: {offer_uri, tx_code, alg: "ES256"|"EdDSA", kid_method: "jwk"|"did"}.
// Output: {issuer, metadata, offered, results: [{config, ok, credentials|error}]}.
import { clientAuthenticationNone } from "@openid4vc/oauth2";
import { Openid4vciClient } from "@openid4vc/openid4vci";
import { setGlobalConfig } from "@openid4vc/utils";
import { describe, generateRandom, hash, holderKey, print, readInput, signJwtWith } from "./_common.mjs";

const input = await readInput();
setGlobalConfig({ allowInsecureUrls: true }); // the issuer listens on loopback http in tests

const key = await holderKey(input.alg ?? "ES256");
const client = new Openid4vciClient({
  callbacks: {
    fetch, hash, generateRandom,
    signJwt: signJwtWith(key),
    clientAuthentication: clientAuthenticationNone({ clientId: "owf-interop-wallet" }),
  },
});

let didJwk = null;
if (input.kid_method === "did") {
  didJwk = "did:jwk:" + Buffer.from(JSON.stringify(key.publicJwk)).toString("base64url");
}

const out = { results: [] };
try {
  const offer = await client.resolveCredentialOffer(input.offer_uri);
  const issuerMetadata = await client.resolveIssuerMetadata(offer.credential_issuer);
  out.issuer = offer.credential_issuer;
  out.offered = offer.credential_configuration_ids;
  out.metadata = issuerMetadata.credentialIssuer;
  const { accessTokenResponse } = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
    credentialOffer: offer, issuerMetadata, txCode: input.tx_code,
  });
  out.token_type = accessTokenResponse.token_type;
  const configs = input.configurations ?? offer.credential_configuration_ids;
  for (const config of configs) {
    try {
      const { c_nonce } = await client.requestNonce({ issuerMetadata });
      const signer = didJwk
        ? { method: "did", didUrl: `${didJwk}#0`, alg: key.alg }
        : { method: "jwk", publicJwk: key.publicJwk, alg: key.alg };
      const { jwt } = await client.createCredentialRequestJwtProof({
        issuerMetadata, credentialConfigurationId: config, signer, nonce: c_nonce,
      });
      const response = await client.retrieveCredentials({
        issuerMetadata, accessToken: accessTokenResponse.access_token,
        credentialConfigurationId: config, proofs: { jwt: [jwt] },
      });
      out.results.push({
        config, ok: true,
        credentials: response.credentialResponse.credentials.map((c) => c.credential),
      });
    } catch (error) {
      out.results.push({ config, ok: false, error: describe(error) });
    }
  }
} catch (error) {
  out.error = describe(error);
}
out.holder_jwk = key.publicJwk;
print(out);
