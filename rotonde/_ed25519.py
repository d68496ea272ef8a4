"""Ed25519 encodings that OpenSSL accepts but Rotonde must not (RFC 8032 §5.1.3, §5.1.7).

OpenSSL verifies a signature made for the identity point as public key with ``R`` = identity and
``S`` = 0 *for every message*: ``[S]B = R + [k]A`` holds when both ``A`` and ``R`` are the
identity and ``S`` is zero. Such a key proves nothing: anyone can "sign" with it, so a credential
bound to it has no holder binding. The same holds for every *small-order* point (the eight
points of the 8-torsion subgroup, where ``[8]P`` is the identity). So:

* a public key must decode (§5.1.3) to a point of the curve, *canonically*: ``y < p``, and not
  ``x = 0`` with the sign bit set (the two ways of writing the same point twice), and it must not
  be of small order;
* a signature's ``R`` must decode likewise and not be of small order, and ``S < L`` (§5.1.7:
  "If any of the decodings fail (including S being out of range), the signature is invalid").

A public key is decoded in full (one modular square root, about 0.1 ms in pure Python, once per
key import) and its order checked by multiplying by the cofactor (three doublings), so every
small-order point is found by construction. ``R`` is checked on every verification, so cheaply:
an encoding is non-canonical exactly when ``y >= p``, or ``x = 0`` (only ``y = ±1``) with the
sign bit set; once those are refused, a small-order ``R`` must be one of the eight canonical
encodings of the 8-torsion points, :data:`SMALL_ORDER` (the list is complete: the subgroup has
eight points, and tests check each entry against the full decoding). An ``R`` that is not on the
curve at all can never equal the canonical re-encoding of ``[S]B - [k]A`` that OpenSSL compares
it with, so it fails there.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["SMALL_ORDER", "L", "P", "key_problem", "signature_problem"]

#: The field prime 2^255 - 19 and the prime order of the base point (RFC 8032 §5.1).
P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, P - 2, P) % P
_SQRT_M1 = pow(2, (P - 1) // 4, P)

#: Canonical encodings of the eight points of order 1, 2, 4 and 8.
SMALL_ORDER = frozenset(bytes.fromhex(h) for h in (
    "0100000000000000000000000000000000000000000000000000000000000000",  # identity (0, 1)
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # (0, -1), order 2
    "0000000000000000000000000000000000000000000000000000000000000000",  # (±sqrt(-1), 0), order 4
    "0000000000000000000000000000000000000000000000000000000000000080",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  # order 8
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
))


#: ``(code, message, message_nl)`` by reason: the precise errors :mod:`rotonde.keys` raises.
Problem = tuple[str, str, str]
_KEY_PROBLEMS: dict[str, Problem] = {
    "small_order": (
        "key.small_order",
        "the Ed25519 public key is a point of small order: any signature would verify with it",
        "de Ed25519-sleutel is een punt van kleine orde: elke handtekening zou ermee kloppen",
    ),
    "non_canonical": (
        "key.non_canonical",
        "the Ed25519 public key is not canonically encoded (RFC 8032 §5.1.3)",
        "de Ed25519-sleutel is niet canoniek gecodeerd (RFC 8032 §5.1.3)",
    ),
    "not_on_curve": (
        "key.invalid",
        "the Ed25519 public key is not a point on the curve",
        "de Ed25519-sleutel is geen punt op de curve",
    ),
    "length": ("key.invalid", "an Ed25519 public key is 32 bytes",
               "een Ed25519-sleutel is 32 bytes"),
}
_SIGNATURE_PROBLEMS: dict[str, Problem] = {
    "small_order": (
        "signature.small_order",
        "the Ed25519 signature's R is a point of small order (RFC 8032 §5.1.7)",
        "de R van de Ed25519-handtekening is een punt van kleine orde (RFC 8032 §5.1.7)",
    ),
    "non_canonical": (
        "signature.non_canonical",
        "the Ed25519 signature's R is not canonically encoded (RFC 8032 §5.1.7)",
        "de R van de Ed25519-handtekening is niet canoniek gecodeerd (RFC 8032 §5.1.7)",
    ),
    "s_out_of_range": (
        "signature.non_canonical",
        "the Ed25519 signature's S is not below the group order L (RFC 8032 §5.1.7)",
        "de S van de Ed25519-handtekening is niet kleiner dan de groepsorde L (RFC 8032 §5.1.7)",
    ),
    "length": ("signature.invalid", "an Ed25519 signature is 64 bytes",
               "een Ed25519-handtekening is 64 bytes"),
}


def _non_canonical(raw: bytes) -> bool:
    """§5.1.3 steps 1 and 4 without decoding: ``y >= p``, or ``x = 0`` with the sign bit set
    (``x`` is zero exactly for ``y = 1`` and ``y = p - 1``)."""
    n = int.from_bytes(raw, "little")
    sign, y = n >> 255, n & ((1 << 255) - 1)
    return y >= P or (sign == 1 and y in (1, P - 1))


def _decode(raw: bytes) -> tuple[int, int] | str:
    """RFC 8032 §5.1.3: the point ``(x, y)``, or why the encoding is refused."""
    if len(raw) != 32:
        return "length"
    n = int.from_bytes(raw, "little")
    sign, y = n >> 255, n & ((1 << 255) - 1)
    if y >= P:
        return "non_canonical"
    u, v = (y * y - 1) % P, (_D * y * y + 1) % P
    x = u * pow(v, 3, P) * pow(u * pow(v, 7, P), (P - 5) // 8, P) % P
    if v * x * x % P == (-u) % P:
        x = x * _SQRT_M1 % P
    elif v * x * x % P != u:
        return "not_on_curve"
    if x == 0 and sign:
        return "non_canonical"
    if x & 1 != sign:
        x = P - x
    return x, y


def _small_order(x: int, y: int) -> bool:
    """``[8](x, y)`` is the identity (projective doubling, RFC 8032 §5.1.4)."""
    px, py, pz = x, y, 1
    for _ in range(3):
        a, b = px * px % P, py * py % P
        c = 2 * pz * pz % P
        h = (a + b) % P
        e = (h - (px + py) * (px + py)) % P
        g = (a - b) % P
        f = (c + g) % P
        px, py, pz = e * f % P, g * h % P, f * g % P  # (x, y) = (E*F, G*H) / (F*G)
    return px == 0 and py == pz


@lru_cache(maxsize=1024)
def key_problem(raw: bytes) -> Problem | None:
    """Why a raw Ed25519 public key is refused (``key.non_canonical``, ``key.invalid``,
    ``key.small_order``), or ``None`` for a usable key."""
    point = _decode(raw)
    if isinstance(point, str):
        return _KEY_PROBLEMS[point]
    return _KEY_PROBLEMS["small_order"] if _small_order(*point) else None


def signature_problem(signature: bytes) -> Problem | None:
    """Why an Ed25519 signature ``R || S`` is refused before verifying it
    (``signature.invalid``, ``signature.non_canonical``, ``signature.small_order``), or
    ``None``."""
    reason = None
    if len(signature) != 64:
        reason = "length"
    elif int.from_bytes(signature[32:], "little") >= L:
        reason = "s_out_of_range"
    elif _non_canonical(signature[:32]):
        reason = "non_canonical"
    elif signature[:32] in SMALL_ORDER:
        reason = "small_order"
    return None if reason is None else _SIGNATURE_PROBLEMS[reason]
