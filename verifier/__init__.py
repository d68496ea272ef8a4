"""The Rotonde verifier service: OpenID4VP 1.0 requests, share-QR scanning, verdicts."""
