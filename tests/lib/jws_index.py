#!/usr/bin/python3
"""The signed index (README "Signed index") seen by an independent
implementation: Python's `cryptography` (Debian python3-cryptography), not
OpenSSL through vntl's code.

  jws_index.py verify CERT INDEX   exit 0 when INDEX (index.json) is a JWS
                                   whose x5c is CERT, whose signature over
                                   protected.payload verifies with CERT's
                                   key for its alg, and whose members in
                                   clear equal the payload; prints the alg
  jws_index.py sign KEY CERT INDEX re-sign INDEX after a test edited its
                                   members in clear (fixtures only)
"""
import base64, json, sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

JWS = ("protected", "payload", "signature")
HASHES = {"256": hashes.SHA256(), "384": hashes.SHA384(), "512": hashes.SHA512()}


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify(cert_path, index_path):
    cert = x509.load_pem_x509_certificate(open(cert_path, "rb").read())
    obj = json.load(open(index_path))
    header = json.loads(unb64url(obj["protected"]))
    assert set(header) == {"alg", "typ", "x5c"}, header
    assert header["typ"] == "vntl-index+jws", header
    der = base64.b64decode(header["x5c"][0])
    assert der == cert.public_bytes(serialization.Encoding.DER), "x5c is not the pinned certificate"
    alg = header["alg"]
    signing_input = (obj["protected"] + "." + obj["payload"]).encode()
    sig = unb64url(obj["signature"])
    key = cert.public_key()
    md = HASHES[alg[2:]]
    if alg.startswith("ES"):
        half = len(sig) // 2
        assert half == (key.curve.key_size + 7) // 8, "wrong r||s length"
        der_sig = utils.encode_dss_signature(int.from_bytes(sig[:half], "big"),
                                             int.from_bytes(sig[half:], "big"))
        key.verify(der_sig, signing_input, ec.ECDSA(md))
    elif alg.startswith("RS"):
        key.verify(sig, signing_input, padding.PKCS1v15(), md)
    else:
        raise AssertionError("unexpected alg " + alg)
    payload = json.loads(unb64url(obj["payload"]))
    clear = {k: v for k, v in obj.items() if k not in JWS}
    assert clear == payload, "members in clear differ from the payload"
    print(alg)


def sign(key_path, cert_path, index_path):
    key = serialization.load_pem_private_key(open(key_path, "rb").read(), None)
    cert = x509.load_pem_x509_certificate(open(cert_path, "rb").read())
    obj = json.load(open(index_path))
    clear = {k: v for k, v in obj.items() if k not in JWS}
    if isinstance(key, ec.EllipticCurvePrivateKey):
        alg = "ES256" if key.curve.key_size == 256 else "ES384"
    else:
        alg = "RS256"
    md = HASHES[alg[2:]]
    header = {"alg": alg, "typ": "vntl-index+jws",
              "x5c": [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()]}
    prot = b64url(json.dumps(header, separators=(",", ":")).encode())
    body = b64url(json.dumps(clear, separators=(",", ":"), ensure_ascii=False).encode())
    signing_input = (prot + "." + body).encode()
    if alg.startswith("ES"):
        r, s = utils.decode_dss_signature(key.sign(signing_input, ec.ECDSA(md)))
        half = (key.curve.key_size + 7) // 8
        sig = r.to_bytes(half, "big") + s.to_bytes(half, "big")
    else:
        sig = key.sign(signing_input, padding.PKCS1v15(), md)
    obj = dict(clear, protected=prot, payload=body, signature=b64url(sig))
    with open(index_path + ".tmp", "w") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
    import os
    os.rename(index_path + ".tmp", index_path)


if __name__ == "__main__":
    if sys.argv[1] == "verify":
        verify(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "sign":
        sign(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit("usage: jws_index.py verify CERT INDEX | sign KEY CERT INDEX")
