"""Use cases of the verifier: ask (OpenID4VP request), receive (direct_post), scan (share QR),
verify (VC-API), each reachable without HTTP."""
