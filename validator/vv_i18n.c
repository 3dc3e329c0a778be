/* Results for people in Vietnamese or English (circular 001 §2.4): the
 * notice whether the certificate was valid at the time of signing, the
 * labels of the display fields, and the reason.  The reason's first
 * sentence comes from the ETSI TS 119 102-1 sub-indication, translated
 * here; the detail after it (which certificate, which rule) is the
 * library's technical text and stays English in both languages. */
#include "vv_internal.h"

#include <stdio.h>
#include <string.h>

struct sentence {
	const char *sub_indication, *en, *vi;
};

static const struct sentence sentences[] = {
	{ "", "the chain is valid at the time of signing",
	  "chuỗi chứng thư hợp lệ tại thời điểm ký" },
	{ "REVOKED", "the certificate was revoked before the time of signing",
	  "chứng thư chữ ký số đã bị thu hồi trước thời điểm ký" },
	{ "EXPIRED", "the certificate had expired at the time of signing",
	  "chứng thư chữ ký số đã hết hiệu lực tại thời điểm ký" },
	{ "NOT_YET_VALID", "the certificate was not yet valid at the time of signing",
	  "chứng thư chữ ký số chưa có hiệu lực tại thời điểm ký" },
	{ "SIG_CRYPTO_FAILURE", "a signature on a certificate of the chain does not verify",
	  "chữ ký trên một chứng thư của chuỗi không đúng" },
	{ "NO_CERTIFICATE_CHAIN_FOUND",
	  "no trusted path to a national root or to a certificate of the trust list",
	  "không có đường dẫn tin cậy đến Tổ chức cung cấp dịch vụ chứng thực chữ ký số quốc gia "
	  "hoặc đến chứng thư thuộc Danh sách tin cậy" },
	{ "OUT_OF_BOUNDS_NO_POE", "an issuing CA's certificate was not valid at the time of signing",
	  "chứng thư của một tổ chức cấp phát không có hiệu lực tại thời điểm ký" },
	{ "REVOKED_CA_NO_POE", "an issuing CA's certificate was revoked",
	  "chứng thư của một tổ chức cấp phát đã bị thu hồi" },
	{ "TRY_LATER", "no usable revocation information (CRL or OCSP): check again later",
	  "không có thông tin thu hồi dùng được (CRL hoặc OCSP): hãy kiểm tra lại sau" },
	{ "CHAIN_CONSTRAINTS_FAILURE",
	  "the chain breaks a constraint (key usage, certificate profile, path length, names or "
	  "policies)",
	  "chuỗi chứng thư vi phạm một ràng buộc (mục đích sử dụng khóa, cấu trúc chứng thư, độ "
	  "dài đường dẫn, tên hoặc chính sách)" },
	{ "CRYPTO_CONSTRAINTS_FAILURE_NO_POE",
	  "an algorithm or key size is below annex I of circular 001",
	  "thuật toán hoặc độ dài khóa không đáp ứng Phụ lục I của Thông tư" },
	{ "FORMAT_FAILURE", "a certificate or CRL is not correctly encoded",
	  "chứng thư hoặc danh sách chứng thư thu hồi không đúng định dạng" },
};

static const struct sentence unknown_sentence = {
	"?", "the validity could not be determined", "không xác định được tính hợp lệ"
};

static const struct sentence *sentence_for(const char *sub_indication)
{
	for (size_t i = 0; i < sizeof sentences / sizeof *sentences; i++)
		if (strcmp(sentences[i].sub_indication, sub_indication) == 0)
			return &sentences[i];
	return &unknown_sentence;
}

static const char *in(vntl_language lang, const char *en, const char *vi)
{
	return lang == VNTL_LANG_VI ? vi : en;
}

void vv_localise_result(vntl_result *res, vntl_language lang)
{
	res->language = lang;
	snprintf(res->reason_en, sizeof res->reason_en, "%s", res->reason);
	snprintf(res->verdict, sizeof res->verdict, "%s",
	         res->indication == VNTL_PASSED
	         ? in(lang, "valid at the time of signing", "hợp lệ tại thời điểm ký")
	         : res->indication == VNTL_FAILED
	         ? in(lang, "not valid at the time of signing", "không hợp lệ tại thời điểm ký")
	         : in(lang, "validity not determined", "chưa xác định được tính hợp lệ"));
	if (lang != VNTL_LANG_VI)
		return;
	const struct sentence *s = sentence_for(res->sub_indication);
	if (res->indication == VNTL_PASSED)
		snprintf(res->reason, sizeof res->reason, "%s", s->vi);
	else
		snprintf(res->reason, sizeof res->reason, "%s (chi tiết: %.500s)", s->vi, res->reason_en);
	vv_trim_partial_utf8(res->reason);
}

const char *vntl_display_label(vntl_language lang, vntl_display_label_id id)
{
	switch (id) {
	case VNTL_LABEL_VERDICT: return in(lang, "verdict", "kết quả kiểm tra");
	case VNTL_LABEL_ISSUER_ORGANISATION:
		return in(lang, "issuer organisation", "cơ quan, tổ chức cấp chứng thư");
	case VNTL_LABEL_SUBJECT: return in(lang, "subject", "chủ thể ký");
	case VNTL_LABEL_TIME: return in(lang, "time", "thời điểm ký");
	case VNTL_LABEL_VALID_AT_TIME:
		return in(lang, "valid at that time", "tính hợp lệ tại thời điểm ký");
	case VNTL_LABEL_YES: return in(lang, "yes", "có");
	case VNTL_LABEL_NO: return in(lang, "no", "không");
	case VNTL_LABEL_REASON: return in(lang, "reason", "lý do");
	case VNTL_LABEL_ANCHOR: return in(lang, "anchor", "chứng thư tin cậy");
	case VNTL_LABEL_REVOCATION: return in(lang, "revocation", "thông tin thu hồi");
	case VNTL_LABEL_CHAIN: return in(lang, "chain", "chuỗi chứng thư");
	}
	return "";
}

const char *vntl_sub_indication_text(vntl_language lang, const char *sub_indication)
{
	const struct sentence *s = sentence_for(sub_indication ? sub_indication : "?");
	return in(lang, s->en, s->vi);
}
