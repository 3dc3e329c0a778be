#!/usr/bin/env python3
"""Run NIST PKITS (pkits.json) through `vntl-validate chain --anchors`.

usage: validator_pkits.py VNTL_VALIDATE PKITS_DIR SCRATCH EXPECTED_MISSES [EVERY [PROFILE]]
EXPECTED_MISSES: comma-separated case ids where vntl is known to disagree
with PKITS.  Prints the score; exits 1 if any case outside that set
disagrees, or a case inside it starts agreeing (so the list stays honest).
PROFILE: vntl-validate's --profile, "path" (default: the RFC 5280 §6
algorithm PKITS tests) or "strict".
"""
import json, os, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

tool, pkits, scratch, expected_misses = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
expected_misses = set(x for x in expected_misses.split(",") if x)
cases = json.load(open(os.path.join(pkits, "pkits.json")))["testcases"]
# Under sanitizers (slow process start) every EVERY-th case plus the expected misses.
every = int(sys.argv[5]) if len(sys.argv) > 5 else 1
profile = sys.argv[6] if len(sys.argv) > 6 else "path"
cases = [c for i, c in enumerate(cases) if i % every == 0 or c["id"] in expected_misses]

def run(case):
    certs = [os.path.join(pkits, "certs", c + ".crt") for c in case["certs"]]
    args = [tool, "chain", certs[-1], "--anchors", certs[0], "--at", case["time"],
            "--purpose", "any", "--alg-policy", "none", "--revocation", "require", "--offline",
            "--profile", profile]
    for inter in certs[1:-1]:
        args += ["--untrusted", inter]
    for crl in case["crls"]:
        args += ["--crl", os.path.join(pkits, "crls", crl + ".crl")]
    for oid in case["initial_policy_oids"]:
        args += ["--policy", oid]
    if case["initial_explicit_policy"]:
        args.append("--explicit-policy")
    if case["initial_policy_mapping_inhibit"]:
        args.append("--inhibit-policy-mapping")
    if case["initial_inhibit_any_policy"]:
        args.append("--inhibit-any-policy")
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode == 3:
        return case, "ERROR", p.stdout + p.stderr
    got = "SUCCESS" if p.returncode == 0 else "FAILURE"
    return case, got, p.stdout.splitlines()[0] if p.stdout else ""

with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
    results = list(pool.map(run, cases))

score, problems = 0, []
for case, got, detail in results:
    agree = got == case["expected"]
    score += agree
    if agree and case["id"] in expected_misses:
        problems.append(f"{case['id']} now agrees with PKITS: remove it from the expected misses")
    if not agree and case["id"] not in expected_misses:
        problems.append(f"{case['id']} {case['name']}: expected {case['expected']}, got {got}: {detail}")
print(f"PKITS score ({profile} profile): {score}/{len(cases)} (expected misses: {len(expected_misses)})")
for p in problems:
    print("  " + p)
sys.exit(1 if problems else 0)
