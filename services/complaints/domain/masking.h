#pragma once
// Personal data masking (requirements: masked to anyone who does not need
// it, never in logs or events).

#include <string>
#include <string_view>

#include "services/complaints/domain/model.h"

namespace sqms::complaints::domain {

std::string MaskPhone(std::string_view phone);        // 13812345678 → 138****5678
std::string MaskEmail(std::string_view email);        // zhang@x.com → z***@x.com
std::string MaskIdNumber(std::string_view id);        // keep first 3 and last 4
std::string MaskName(std::string_view name);          // 张三 → 张*, John Smith → J*** S****
// Masks phone numbers, e-mail addresses and ID numbers found in free text:
// each number FindPersonalNumbers (text_numbers.h) returns, as a whole
// (first 3 and last 4 digits kept, an ID's X counted as a digit), and each
// address as MaskEmail. Full-width forms and the Chinese numerals of a
// dictated number (一三八〇〇一三八〇〇〇) are found like ASCII ones; a masked
// number or address comes back in ASCII, the rest of the text as it was.
// Complaint ids, dates and letter-prefixed codes are left as they are.
std::string MaskText(std::string_view text);
Complainant MaskComplainant(const Complainant& complainant);
// The complaint as an agent may see it: complainant masked, PII in title,
// content, notes and audit masked.
Complaint MaskForAgent(const Complaint& complaint);

// Normalized identity used for the keyed hash: the first non-empty of phone
// (digits only, a Chinese number in its national form: +86 / 0086 138… is
// 138…, +86 10 8888 6666 is 01088886666), lower-cased email, upper-cased
// id_number, prefixed with its kind ("p:", "e:", "i:"); empty when none.
std::string ComplainantIdentity(const Complainant& complainant);

}  // namespace sqms::complaints::domain
