"""HTTP routes of the verifier: ``oid4vp`` (protocol), ``api`` (HR systems), ``vcapi``
(W3C VC-API verify), ``pages`` (employer web pages)."""
