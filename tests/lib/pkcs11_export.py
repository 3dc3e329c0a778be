#!/usr/bin/python3
"""Try to get a private key out of a PKCS#11 token, as an attacker holding
the PIN would: read its secret value (CKA_VALUE, CKA_PRIVATE_EXPONENT), and
wrap it under a key of our own (C_WrapKey, AES key wrap). Exit 0 and
"exported: HOW" when one works, 1 and "not exportable: ..." when the token
refuses them all, 2 on a usage or setup error.

usage: pkcs11_export.py MODULE TOKEN_LABEL PIN_FILE KEY_LABEL"""
import sys

import PyKCS11
from PyKCS11 import LowLevel


def find_session(lib, token_label):
    for slot in lib.getSlotList(tokenPresent=True):
        if lib.getTokenInfo(slot).label.strip() == token_label:
            return lib.openSession(slot, PyKCS11.CKF_SERIAL_SESSION | PyKCS11.CKF_RW_SESSION)
    sys.exit(f"no token labelled {token_label}")


def read_secret(session, key):
    """(how it was read, None) or (None, why not)."""
    refusals = []
    for attr in (PyKCS11.CKA_VALUE, PyKCS11.CKA_PRIVATE_EXPONENT):
        try:
            value = session.getAttributeValue(key, [attr], allAsBinary=True)[0]
        except PyKCS11.PyKCS11Error as e:
            refusals.append(f"{PyKCS11.CKA[attr]}: {e}")
            continue
        if value:
            return f"{PyKCS11.CKA[attr]} read ({len(value)} bytes)", None
        refusals.append(f"{PyKCS11.CKA[attr]}: not readable")
    return None, "; ".join(refusals)


def wrap(session, key):
    wrapping = session.generateKey([
        (PyKCS11.CKA_CLASS, PyKCS11.CKO_SECRET_KEY), (PyKCS11.CKA_KEY_TYPE, PyKCS11.CKK_AES),
        (PyKCS11.CKA_VALUE_LEN, 32), (PyKCS11.CKA_TOKEN, PyKCS11.CK_FALSE),
        (PyKCS11.CKA_WRAP, PyKCS11.CK_TRUE)], PyKCS11.Mechanism(PyKCS11.CKM_AES_KEY_GEN, None))
    try:
        blob = session.wrapKey(wrapping, key, PyKCS11.Mechanism(PyKCS11.CKM_AES_KEY_WRAP_PAD, None))
        return f"wrapped with AES key wrap ({len(blob)} bytes)", None
    except PyKCS11.PyKCS11Error as e:
        return None, f"C_WrapKey: {e}"
    finally:
        session.destroyObject(wrapping)


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    module, token, pin_file, label = sys.argv[1:]
    lib = PyKCS11.PyKCS11Lib()
    lib.load(module)
    session = find_session(lib, token)
    with open(pin_file) as f:
        session.login(f.read().strip())
    keys = session.findObjects([(PyKCS11.CKA_CLASS, PyKCS11.CKO_PRIVATE_KEY), (PyKCS11.CKA_LABEL, label)])
    if len(keys) != 1:
        print(f"{len(keys)} private keys labelled {label}", file=sys.stderr)
        sys.exit(2)
    exported, read_refusal = read_secret(session, keys[0])
    if exported:
        print(f"exported: {exported}")
        sys.exit(0)
    exported, refusal = wrap(session, keys[0])
    if exported:
        print(f"exported: {exported}")
        sys.exit(0)
    sensitive, extractable = session.getAttributeValue(keys[0], [PyKCS11.CKA_SENSITIVE, PyKCS11.CKA_EXTRACTABLE])
    print(f"not exportable: CKA_SENSITIVE={bool(sensitive)} CKA_EXTRACTABLE={bool(extractable)}; "
          f"{read_refusal}; {refusal}")
    session.logout()
    sys.exit(1)


if __name__ == "__main__":
    main()
