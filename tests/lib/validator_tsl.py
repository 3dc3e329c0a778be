#!/usr/bin/env python3
"""Write an unsigned TS 119 612 list template (with the XAdES signature
template) for the validator tests; sign it with xmlsec1 afterwards.

usage: validator_tsl.py OUT.xml SIGNER_CERT.pem SEQ ISSUED NEXT_UPDATE [SERVICE...]
SERVICE: CERT.pem|TYPE|STATUS@START[|STATUS@START[@OLD_CERT.pem]...]  (newest
first; a history entry may name the certificate that was the identity then);
TYPE and STATUS are the last URI segments (CA/PKC, granted, withdrawn, ...).
Env VNTL_TSL_ENTRIES=N adds N extra CA/PKC services repeating the first
service (bench lists).  Hostile-list knobs (env): VNTL_TSL_DOC_URI (URI of the
document reference, default ""), VNTL_TSL_DOC_DIGEST (its DigestMethod URI),
VNTL_TSL_BAD_CERT_DIGEST=1 (SigningCertificateV2 names another certificate),
VNTL_TSL_CERT_DIGEST=sha256|sha1|md5 (the CertDigest's algorithm),
VNTL_TSL_SCHEME_EXTRA (XML inserted into SchemeInformation),
VNTL_TSL_SERVICE_EXT (XML closing every ServiceInformation: extensions),
VNTL_TSL_SERVICE_NAME (default "Test CA"),
VNTL_TSL_SIGCERT_V1=1 (XAdES v1 SigningCertificate, wrong for a version 6 list).
Variety knobs: VNTL_TSL_VERSION (default 6), VNTL_TSL_SIGALG (SignatureMethod URI),
VNTL_TSL_SCHEME_NAME (default "VN:test list": lists of one territory and type)."""
import base64, hashlib, os, ssl, sys

out, signer, seq, issued, next_update = sys.argv[1:6]
services = sys.argv[6:]

def der_of(pem_path):
    return ssl.PEM_cert_to_DER_cert(open(pem_path).read())

def b64(pem_path):
    return base64.b64encode(der_of(pem_path)).decode()

def address():
    return ("<PostalAddresses><PostalAddress xml:lang=\"en\"><StreetAddress>15 Dinh Le"
            "</StreetAddress><Locality>Ha Noi</Locality><CountryName>VN</CountryName>"
            "</PostalAddress></PostalAddresses><ElectronicAddress><URI xml:lang=\"en\">"
            "mailto:tl@example.vn</URI></ElectronicAddress>")

SVC = "http://uri.etsi.org/TrstSvc/Svctype/"
STATUS = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/"

service_name = os.environ.get("VNTL_TSL_SERVICE_NAME", "Test CA")

def service_xml(spec):
    cert, stype, *periods = spec.split("|")
    def info(tag, status, start, extra="", identity=cert):
        return (f"<{tag}><ServiceTypeIdentifier>{SVC}{stype}</ServiceTypeIdentifier>"
                f"<ServiceName><Name xml:lang=\"en\">{service_name}</Name></ServiceName>"
                f"<ServiceDigitalIdentity><DigitalId><X509Certificate>{b64(identity)}"
                f"</X509Certificate></DigitalId></ServiceDigitalIdentity>"
                f"<ServiceStatus>{STATUS}{status}</ServiceStatus>"
                f"<StatusStartingTime>{start}</StatusStartingTime>{extra}</{tag}>")
    status, start = periods[0].split("@")
    xml = "<TSPService>" + info("ServiceInformation", status, start, service_ext)
    if len(periods) > 1:
        xml += "<ServiceHistory>"
        for p in periods[1:]:
            s, t, *other = p.split("@")  # STATUS@START[@CERT]: the identity then
            xml += info("ServiceHistoryInstance", s, t, "", other[0] if other else cert)
        xml += "</ServiceHistory>"
    return xml + "</TSPService>"

service_ext = os.environ.get("VNTL_TSL_SERVICE_EXT", "")
extra = int(os.environ.get("VNTL_TSL_ENTRIES", "0"))
svc_xml = "".join(service_xml(s) for s in services)
if extra and services:
    svc_xml += service_xml(services[0]) * extra
tsp = ""
if svc_xml:
    tsp = ("<TrustServiceProviderList><TrustServiceProvider><TSPInformation><TSPName>"
           "<Name xml:lang=\"en\">Test TSP</Name></TSPName><TSPAddress>" + address() +
           "</TSPAddress><TSPInformationURI><URI xml:lang=\"en\">https://example.vn/</URI>"
           "</TSPInformationURI></TSPInformation><TSPServices>" + svc_xml +
           "</TSPServices></TrustServiceProvider></TrustServiceProviderList>")

signer_der = der_of(signer)
digested = signer_der + (b"x" if os.environ.get("VNTL_TSL_BAD_CERT_DIGEST") else b"")
cert_digest_alg = os.environ.get("VNTL_TSL_CERT_DIGEST", "sha256")
cert_digest_uri = {"sha256": "http://www.w3.org/2001/04/xmlenc#sha256",
                   "sha1": "http://www.w3.org/2000/09/xmldsig#sha1",
                   "md5": "http://www.w3.org/2001/04/xmldsig-more#md5"}[cert_digest_alg]
cert_digest = base64.b64encode(hashlib.new(cert_digest_alg, digested).digest()).decode()
doc_uri = os.environ.get("VNTL_TSL_DOC_URI", "")
doc_digest = os.environ.get("VNTL_TSL_DOC_DIGEST", "http://www.w3.org/2001/04/xmlenc#sha256")
scheme_extra = os.environ.get("VNTL_TSL_SCHEME_EXTRA", "")
version = os.environ.get("VNTL_TSL_VERSION", "6")
scheme_name = os.environ.get("VNTL_TSL_SCHEME_NAME", "VN:test list")
sigalg = os.environ.get("VNTL_TSL_SIGALG", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
si_attr = ' Id="scheme-info"' if doc_uri == "#scheme-info" else ""
cert_id = (f'<xades:Cert><xades:CertDigest><ds:DigestMethod Algorithm="{cert_digest_uri}"/>'
           f'<ds:DigestValue>{cert_digest}</ds:DigestValue></xades:CertDigest>')
if os.environ.get("VNTL_TSL_SIGCERT_V1"):
    import subprocess
    issuer = subprocess.run(["openssl", "x509", "-in", signer, "-noout", "-issuer", "-nameopt", "RFC2253"],
                            capture_output=True, text=True, check=True).stdout.strip().split("=", 1)[1]
    serial = int(subprocess.run(["openssl", "x509", "-in", signer, "-noout", "-serial"],
                                capture_output=True, text=True, check=True).stdout.strip().split("=")[1], 16)
    signing_cert = ("<xades:SigningCertificate>" + cert_id + "<xades:IssuerSerial><ds:X509IssuerName>"
                    f"{issuer}</ds:X509IssuerName><ds:X509SerialNumber>{serial}</ds:X509SerialNumber>"
                    "</xades:IssuerSerial></xades:Cert></xades:SigningCertificate>")
else:
    signing_cert = "<xades:SigningCertificateV2>" + cert_id + "</xades:Cert></xades:SigningCertificateV2>"
doc = f"""<?xml version="1.0" encoding="UTF-8"?>
<TrustServiceStatusList xmlns="http://uri.etsi.org/02231/v2#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:xades="http://uri.etsi.org/01903/v1.3.2#" Id="tsl-root" TSLTag="http://uri.etsi.org/19612/TSLTag">
<SchemeInformation{si_attr}><TSLVersionIdentifier>{version}</TSLVersionIdentifier><TSLSequenceNumber>{seq}</TSLSequenceNumber>
<TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/VNlist</TSLType>
<SchemeOperatorName><Name xml:lang="en">NEAC test</Name></SchemeOperatorName>
<SchemeOperatorAddress>{address()}</SchemeOperatorAddress>
<SchemeName><Name xml:lang="en">{scheme_name}</Name></SchemeName>
<SchemeInformationURI><URI xml:lang="en">https://example.vn/tl</URI></SchemeInformationURI>
<StatusDeterminationApproach>http://uri.etsi.org/TrstSvc/TrustedList/StatusDetn/VNappropriate</StatusDeterminationApproach>
<SchemeTerritory>VN</SchemeTerritory>
<HistoricalInformationPeriod>65535</HistoricalInformationPeriod>{scheme_extra}
<ListIssueDateTime>{issued}</ListIssueDateTime>
<NextUpdate><dateTime>{next_update}</dateTime></NextUpdate>
</SchemeInformation>{tsp}<ds:Signature Id="sig">
<ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
<ds:SignatureMethod Algorithm="{sigalg}"/>
<ds:Reference Id="ref-doc" URI="{doc_uri}"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="{doc_digest}"/><ds:DigestValue/></ds:Reference>
<ds:Reference Type="http://uri.etsi.org/01903#SignedProperties" URI="#xades-sp"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>
</ds:SignedInfo><ds:SignatureValue/>
<ds:KeyInfo><ds:X509Data><ds:X509Certificate>{base64.b64encode(signer_der).decode()}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
<ds:Object><xades:QualifyingProperties Target="#sig"><xades:SignedProperties Id="xades-sp"><xades:SignedSignatureProperties>
<xades:SigningTime>{issued}</xades:SigningTime>
{signing_cert}
</xades:SignedSignatureProperties></xades:SignedProperties></xades:QualifyingProperties></ds:Object>
</ds:Signature></TrustServiceStatusList>
"""
open(out, "w").write(doc)
