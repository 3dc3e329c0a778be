#!/usr/bin/env python3
"""Test fixture for vntld: writes publication SEQ into DIR following the
contract in README.md "Publication directory" (archive files, current
copies, roots.pem, certs/<sha256>.cer, index.json written last).

The lists are TS 119 612-shaped but unsigned, with names that test the
page renderer's escaping: vntld refuses them (it serves only lists that
verify), so tests of serving use tests/lib/web_publish.sh instead.

  web_make_publication.py DIR SEQ [--pad BYTES] [--next-update-days N]
                          [--status granted|withdrawn]
"""
import argparse, base64, datetime, hashlib, json, os, subprocess, sys

NS = "http://uri.etsi.org/02231/v2#"
SVC = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/"


def write_atomic(path, data):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, path)


def make_cert(keys, name):
    """A self-signed ECDSA certificate, made once per fixture directory."""
    der_path = os.path.join(keys, name + ".der")
    if not os.path.exists(der_path):
        os.makedirs(keys, exist_ok=True)
        key = os.path.join(keys, name + ".key")
        pem = os.path.join(keys, name + ".pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", pem,
                        "-days", "3650", "-subj", "/C=VN/O=Test <&> Org/CN=" + name],
                       check=True, capture_output=True)
        subprocess.run(["openssl", "x509", "-in", pem, "-outform", "DER", "-out", der_path],
                       check=True, capture_output=True)
    with open(der_path, "rb") as f:
        return f.read()


def esc(text):
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def service_xml(name, der, status, since, history):
    hist = "".join(
        f"<ServiceHistoryInstance><ServiceTypeIdentifier>http://uri.etsi.org/TrstSvc/Svctype/CA/PKC"
        f"</ServiceTypeIdentifier><ServiceName><Name xml:lang=\"en\">{esc(name)}</Name></ServiceName>"
        f"<ServiceStatus>{SVC}{st}</ServiceStatus><StatusStartingTime>{t}</StatusStartingTime>"
        f"</ServiceHistoryInstance>" for st, t in history)
    return (f"<TSPService><ServiceInformation><ServiceTypeIdentifier>"
            f"http://uri.etsi.org/TrstSvc/Svctype/CA/PKC</ServiceTypeIdentifier>"
            f"<ServiceName><Name xml:lang=\"vi\">{esc(name)} VI</Name>"
            f"<Name xml:lang=\"en\">{esc(name)}</Name></ServiceName>"
            f"<ServiceDigitalIdentity><DigitalId><X509Certificate>"
            f"{base64.b64encode(der).decode()}</X509Certificate></DigitalId></ServiceDigitalIdentity>"
            f"<ServiceStatus>{SVC}{status}</ServiceStatus><StatusStartingTime>{since}"
            f"</StatusStartingTime></ServiceInformation>"
            + (f"<ServiceHistory>{hist}</ServiceHistory>" if hist else "") + "</TSPService>")


def list_xml(kind, seq, issued, next_update, tsps, pad, pointers=()):
    body = "".join(
        f"<TrustServiceProvider><TSPInformation><TSPName><Name xml:lang=\"vi\">{esc(n)}</Name>"
        f"<Name xml:lang=\"en\">{esc(n)} (EN)</Name></TSPName></TSPInformation>"
        f"<TSPServices>{''.join(svcs)}</TSPServices></TrustServiceProvider>" for n, svcs in tsps)
    ptrs = "".join(f"<OtherTSLPointer><TSLLocation>{esc(p)}</TSLLocation></OtherTSLPointer>"
                   for p in pointers)
    padding = f"<!-- {'x' * pad} -->" if pad else ""
    return (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<TrustServiceStatusList xmlns=\"{NS}\" "
            f"TSLTag=\"http://uri.etsi.org/19612/TSLTag\"><SchemeInformation>"
            f"<TSLVersionIdentifier>5</TSLVersionIdentifier>"
            f"<TSLSequenceNumber>{seq}</TSLSequenceNumber>"
            f"<SchemeName><Name xml:lang=\"vi\">Danh sách {kind}</Name>"
            f"<Name xml:lang=\"en\">{kind} list</Name></SchemeName>"
            + (f"<PointersToOtherTSL>{ptrs}</PointersToOtherTSL>" if ptrs else "") +
            f"<ListIssueDateTime>{issued}</ListIssueDateTime>"
            f"<NextUpdate><dateTime>{next_update}</dateTime></NextUpdate></SchemeInformation>"
            + (f"<TrustServiceProviderList>{body}</TrustServiceProviderList>" if body else "")
            + padding + "</TrustServiceStatusList>\n").encode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("seq", type=int)
    ap.add_argument("--pad", type=int, default=0, help="comment bytes added to the roots list")
    ap.add_argument("--next-update-days", type=int, default=30)
    ap.add_argument("--status", default="granted")
    a = ap.parse_args()
    keys = a.dir.rstrip("/") + ".keys"
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    issued = now.strftime(fmt)
    next_update = (now + datetime.timedelta(days=a.next_update_days)).strftime(fmt)
    root = make_cert(keys, "Test Root CA")
    public_ca = make_cert(keys, "Test Public CA")
    foreign = make_cert(keys, "Foreign CA")
    root_hist = [("granted", "2020-01-01T00:00:00Z")] if a.status != "granted" else []
    lists = {
        "roots": list_xml("roots", a.seq, issued, next_update, [
            ("NEAC <Trung tâm>", [service_xml("Test Root CA", root, a.status, issued, root_hist)]),
            ("Public CA & Co", [service_xml("Test Public CA", public_ca, "granted",
                                            "2021-02-03T04:05:06Z", [])])], a.pad),
        "foreign": list_xml("foreign", a.seq, issued, next_update, [
            ("Foreign Provider", [service_xml("Foreign CA", foreign, "recognisedatnationallevel",
                                              "2022-01-01T00:00:00Z",
                                              [("suspended", "2021-06-01T00:00:00Z")])])], 0),
        "pointer": list_xml("pointer", a.seq, issued, next_update, [], 0,
                            ["https://trust.example.vn/roots.xml",
                             "https://trust.example.vn/foreign.xml"]),
    }
    index = {"format": 1, "lists": {}, "files": {}}
    for name, data in lists.items():
        write_atomic(os.path.join(a.dir, name, f"{a.seq}.xml"), data)
        write_atomic(os.path.join(a.dir, name + ".xml"), data)
        index["lists"][name] = {"sequence": a.seq, "sha256": hashlib.sha256(data).hexdigest(),
                                "size": len(data), "issued": issued, "next_update": next_update,
                                "path": f"{name}/{a.seq}.xml",
                                "url": f"https://trust.example.vn/{name}.xml"}
    pem = b""
    for der in (root, public_ca, foreign):
        write_atomic(os.path.join(a.dir, "certs", hashlib.sha256(der).hexdigest() + ".cer"), der)
    for der in (root, public_ca) if a.status == "granted" else (public_ca,):
        b64 = base64.b64encode(der).decode()
        pem += b"-----BEGIN CERTIFICATE-----\n" + "\n".join(
            b64[i:i + 64] for i in range(0, len(b64), 64)).encode() + b"\n-----END CERTIFICATE-----\n"
    write_atomic(os.path.join(a.dir, "roots.pem"), pem)
    index["files"]["roots.pem"] = {"sha256": hashlib.sha256(pem).hexdigest(), "size": len(pem)}
    write_atomic(os.path.join(a.dir, "index.json"), json.dumps(index, indent=2).encode())


if __name__ == "__main__":
    sys.exit(main())
