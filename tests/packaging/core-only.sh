#!/usr/bin/env bash
# The core installs and works alone: `pip install rotonde` (no `server` extra) into a fresh
# virtual environment, then, without FastAPI, SQLAlchemy, psycopg, zxing-cpp or Pillow:
# import the core, issue and verify an SD-JWT VC and a Data Integrity credential with the
# `rotonde` command, and check that a service command says what to install.
# Run by .ci/run before the test suite; by hand: bash tests/packaging/core-only.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
PY=${PYTHON:-python3}

# Build from a copy of the tracked (and new, not ignored) files: pip builds in the source tree.
mkdir "$work/src"
git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} sh -c 'test -e "{}" && echo "{}"' \
  | tar -c -T - | tar -x -C "$work/src"
"$PY" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --upgrade pip
"$work/venv/bin/python" -m pip install --quiet "$work/src"
cd "$work"                        # not the checkout: import the installed wheel only
py="$work/venv/bin/python"
rotonde="$work/venv/bin/rotonde"

"$py" - <<'PY'
import importlib.util, sys
absent = ["fastapi", "starlette", "sqlalchemy", "alembic", "jinja2", "uvicorn", "psycopg",
          "zxingcpp", "PIL", "argon2", "babel"]
present = [m for m in absent if importlib.util.find_spec(m) is not None]
assert not present, f"the core pulled in service dependencies: {present}"
import rotonde, rotonde.verify, rotonde.sdjwt, rotonde.proofs, rotonde.learning, rotonde.oid4vp
assert rotonde.__file__.startswith(sys.prefix), rotonde.__file__
print("core imports without the server extra:", rotonde.__version__)
PY

"$rotonde" keys new --alg ES256 > issuer.jwk
"$rotonde" keys new --alg EdDSA > holder.jwk
"$rotonde" keys public holder.jwk > holder.pub.jwk
cat > claims.json <<'JSON'
{"iss": "https://metaalschool-oost.example", "title": "MIG/MAG-lassen basis", "level": "NLQF 2"}
JSON
"$rotonde" sign --format dc+sd-jwt --vct https://metaalschool-oost.example/vct/microcredential --key issuer.jwk --holder-key holder.pub.jwk --all-sd claims.json > vc.txt
"$rotonde" present --holder-key holder.jwk --disclose title --nonce n-1 --aud https://verifier.example vc.txt > vp.txt
"$rotonde" verify --offline --issuer-key issuer.jwk --nonce n-1 --aud https://verifier.example vp.txt > report.json
"$py" -c 'import json,sys; r=json.load(open("report.json")); assert r["verified"] is True, r; print("SD-JWT VC + KB-JWT verified")'

"$rotonde" keys new --alg EdDSA > di.jwk
cat > vc.json <<'JSON'
{"@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
 "type": ["VerifiableCredential", "ExampleAchievementCredential"],
 "credentialSubject": {"name": "Sanne de Vries"}}
JSON
"$rotonde" sign --format ldp_vc --key di.jwk vc.json > signed.json
"$rotonde" verify --offline signed.json > di-report.json
"$py" -c 'import json; r=json.load(open("di-report.json")); assert r["verified"] is True, r; print("Data Integrity (eddsa-rdfc-2022) verified")'

"$rotonde" demo > /dev/null && echo "rotonde demo runs"

set +e
"$rotonde" issuer serve > out.txt 2> err.txt
code=$?
set -e
[ "$code" -eq 2 ] || { echo "rotonde issuer without the server extra exited $code"; cat err.txt; exit 1; }
grep -q "rotonde\[server\]" err.txt || { echo "no install hint:"; cat err.txt; exit 1; }
echo "rotonde issuer says: $(cat err.txt)"
echo "core-only install: OK"
