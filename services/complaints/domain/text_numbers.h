#pragma once
// Which numbers in free text are personal (phone and ID numbers) and which
// are not (complaint ids, dates, order and train codes): the rules behind
// MaskText, kept apart from the masking itself. Pure; thread-safe.

#include <cstddef>
#include <string_view>
#include <vector>

namespace sqms::complaints::domain {

// Bytes [begin, end) of a text.
struct TextRange {
  size_t begin;
  size_t end;
};

// The numbers in `text` that are, or may be, personal data, in order, none
// overlapping another or a range in `skip` (sorted, not overlapping each
// other: the e-mail addresses already found). `text` must be width-folded:
// full-width digits, letters, '+', '(', ')', dashes and spaces already their
// ASCII forms (MaskText does that); other bytes are never part of a number.
//
// A number is a run of digits whose groups may be separated by up to three
// of '-', ' ', tab, '.', '/', '_' each (138 0013 8000, 138-0013-8000,
// 138.0013.8000, 138 - 0013 - 8000, 0755 8888 6666), optionally after
// '+' (+86 138 0013 8000) or a parenthesised area code ((010) 12345678),
// with an ID number's final X right after its 17th digit. Whatever digits
// its groups hold, the whole number is one range, so no grouping shows more
// of a phone than the contiguous form does. Of these, returned are:
//  - every number of 7 or more digits (an ID's X counts as a digit), except
//  - complaint ids CMP-YYYYMMDD-<12 of 0-9A-Z> (either case, a real month
//    and day), never returned: agents copy them to look cases up;
//  - dates YYYY-MM-DD, YYYY.MM.DD or YYYY/MM/DD (19xx/20xx, month 1-12,
//    day 1-31) inside a number are
//    cut out, and the digits on either side judged alone ("2026-10-01
//    10:30" keeps its date). A bare 20261205 is returned: it is also an
//    8-digit landline number, and when in doubt we mask;
//  - a number glued to ASCII letters before it (E1234567890, G1234) is an
//    order, ticket or train code, unless it is phone-shaped: 11 or more
//    digits, or 10 starting with 0. Of such a number, returned are the
//    groups after the first when they alone are phone-shaped (G1234
//    13800138000 keeps G1234), else the whole when it is phone-shaped
//    (E138-0013-8000), else the groups after the first when they have 7 or
//    more digits, else nothing. Letters that name a phone (tel, phone,
//    mobile, mob, cell, fax, call, ph, qq, wx, wechat; any case) make no
//    code: Tel88886666 is judged like 88886666.
// Letters after a number (13800138000ext12, 12A) change nothing.
std::vector<TextRange> FindPersonalNumbers(std::string_view text,
                                           const std::vector<TextRange>& skip);

}  // namespace sqms::complaints::domain
