#!/usr/bin/env python3
"""Derive a hostile variant of a signed list for the validator tests.
usage: validator_hostile.py MODE IN.xml OUT.xml [OTHER_CERT.pem]"""
import re, ssl, base64, sys

mode, src, dst = sys.argv[1:4]
data = open(src, "rb").read()
text = data.decode()
decl_end = text.index("?>") + 2 if text.startswith("<?xml") else 0

def other_cert_b64():
    return base64.b64encode(ssl.PEM_cert_to_DER_cert(open(sys.argv[4]).read())).decode()

if mode == "tamper":
    out = text.replace("VN:test list", "VN:forged list")
elif mode == "unsigned-object":
    out = text.replace("</ds:Signature>",
        "<ds:Object><TrustServiceProviderList xmlns=\"http://uri.etsi.org/02231/v2#\">"
        "<TrustServiceProvider/></TrustServiceProviderList></ds:Object></ds:Signature>")
elif mode == "wrap-moved":
    # XSW: the signed content moves into a ds:Object, the reference follows it,
    # and forged content takes its place at the root.
    start = text.index("<SchemeInformation")
    end = text.index("<ds:Signature")
    signed = text[start:end]
    forged = signed.replace("VN:test list", "VN:forged list")
    out = text[:start] + forged + text[end:]
    out = out.replace('URI=""', 'URI="#moved"', 1)
    out = out.replace("</ds:Signature>", "<ds:Object Id=\"moved\">" + signed + "</ds:Object></ds:Signature>")
elif mode == "dup-id":
    out = text.replace("<ds:KeyInfo>", "<ds:KeyInfo Id=\"xades-sp\">")
elif mode == "swap-keyinfo":
    out = re.sub(r"(<ds:KeyInfo><ds:X509Data><ds:X509Certificate>)[^<]*", lambda m: m.group(1) + other_cert_b64(), text)
elif mode == "doctype-xxe":
    out = (text[:decl_end] + "\n<!DOCTYPE TrustServiceStatusList [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
           + text[decl_end:].replace("VN:test list", "&xxe;"))
elif mode == "billion-laughs":
    ents = "<!ENTITY lol \"lol\">" + "".join(
        f"<!ENTITY lol{i} \"{('&lol%s;' % (i - 1 if i > 1 else '')) * 10}\">" for i in range(1, 10))
    out = (text[:decl_end] + f"\n<!DOCTYPE TrustServiceStatusList [{ents}]>"
           + text[decl_end:].replace("VN:test list", "&lol9;"))
elif mode.startswith("deep-"):
    n = int(mode[5:])
    out = text.replace("<SchemeOperatorName>", "<SchemeOperatorName>" + "<x>" * n + "</x>" * n, 1)
elif mode == "truncated":
    out = text[: len(text) // 2]
elif mode == "empty":
    out = ""
else:
    sys.exit("unknown mode " + mode)
open(dst, "w").write(out)
