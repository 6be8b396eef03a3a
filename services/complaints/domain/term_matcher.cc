#include "services/complaints/domain/term_matcher.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/container/inlined_vector.h"

#include "services/complaints/domain/utf8.h"

namespace sqms::complaints::domain {
namespace {

constexpr std::string_view kInflections[] = {"ing", "ers", "es", "ed", "er", "s", "d"};
// Clause ends: ASCII punctuation (full-width forms are folded to it by the
// normaliser) and the CJK marks NFKC keeps.
constexpr std::string_view kClauseMarks[] = {"。", "、", "…", "；", "，", "！", "？"};
static_assert([] {
  for (std::string_view mark : kClauseMarks) {
    const unsigned char lead = static_cast<unsigned char>(mark[0]);
    if (lead != 0xE2 && lead != 0xE3 && lead != 0xEF) return false;
  }
  return true;
}(), "ClauseMarkAt skips every byte but these leads");

bool IsWord(char c) { return IsAsciiWordChar(c); }

// The bucket a term starting at `s` is filed under, and the buckets a text
// position looks in: a non-ASCII code point is its own key (all of its
// bytes; a two-byte key would put the 64 CJK characters sharing their first
// two bytes into one bucket, each compared at every position); ASCII keys
// by the first two bytes, or by the one byte of a one-byte term. For valid
// UTF-8 the ranges do not overlap (ASCII pairs < 0x8000, one ASCII byte
// 0x10000 | b, code points from 0xC280 up); a stray byte may share a key,
// which costs a comparison, never a wrong match: every candidate is
// compared in full.
uint32_t CodePointKey(std::string_view s) {
  const size_t n = std::min(Utf8Length(static_cast<unsigned char>(s[0])), s.size());
  uint32_t key = 0;
  for (size_t i = 0; i < n; ++i) key = (key << 8) | static_cast<unsigned char>(s[i]);
  return key;
}
uint32_t AsciiPairKey(std::string_view s) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(s[0])) << 8) |
         static_cast<unsigned char>(s[1]);
}
uint32_t AsciiByteKey(char c) { return 0x10000u | static_cast<unsigned char>(c); }

// Bytes of the code point at the start of `s` when it is well formed
// (utf8.h), else 1: a scan that steps by it tries every position a valid
// cue can start at, also in text with broken sequences (a normaliser's
// output is valid, but FindAll takes any text).
size_t WholeCodePoint(std::string_view s) { return std::max<size_t>(WellFormedLength(s), 1); }

// fn(key) for each bucket a match starting at `rest` (non-empty) may be in.
template <typename Fn>
void ForEachKeyAt(std::string_view rest, Fn fn) {
  if (static_cast<unsigned char>(rest[0]) >= 0x80) {
    fn(CodePointKey(rest));
  } else {
    if (rest.size() >= 2) fn(AsciiPairKey(rest));
    fn(AsciiByteKey(rest[0]));
  }
}

uint32_t TermKey(std::string_view core) {
  if (static_cast<unsigned char>(core[0]) >= 0x80) return CodePointKey(core);
  return core.size() >= 2 ? AsciiPairKey(core) : AsciiByteKey(core[0]);
}

// Where the clause around [begin, end) starts (exclusive of the mark) and
// ends.
size_t ClauseMarkAt(std::string_view text, size_t pos) {
  char c = text[pos];
  if (c == ',' || c == '.' || c == ';' || c == '!' || c == '?' || c == ':' || c == '\n') return 1;
  // Every CJK mark starts with one of these lead bytes: the other bytes,
  // most of a clause, are not compared with each mark.
  const unsigned char lead = static_cast<unsigned char>(c);
  if (lead != 0xE2 && lead != 0xE3 && lead != 0xEF) return 0;
  for (std::string_view mark : kClauseMarks) {
    if (text.substr(pos, mark.size()) == mark) return mark.size();
  }
  return 0;
}

// The last occurrence of a non-empty `needle` in `hay`, as
// std::string_view::rfind, which compares the whole needle at every
// position: here only where the first byte matches.
size_t RFind(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return std::string_view::npos;
  for (size_t at = hay.size() - needle.size() + 1; at-- > 0;) {
    if (hay[at] == needle[0] && hay.compare(at, needle.size(), needle) == 0) return at;
  }
  return std::string_view::npos;
}

// `needle` stands at `at` in `hay` with ASCII word boundaries at its ASCII
// edges ("but" not inside "button").
bool WordAt(std::string_view hay, std::string_view needle, size_t at) {
  size_t end = at + needle.size();
  bool left_ok = !IsWord(needle.front()) || at == 0 || !IsWord(hay[at - 1]);
  bool right_ok = !IsWord(needle.back()) || end == hay.size() || !IsWord(hay[end]);
  return left_ok && right_ok;
}

// The first occurrence of `needle` in `hay` as a word (WordAt).
size_t FindWord(std::string_view hay, std::string_view needle) {
  for (size_t at = hay.find(needle); at != std::string_view::npos;
       at = hay.find(needle, at + 1)) {
    if (WordAt(hay, needle, at)) return at;
  }
  return std::string_view::npos;
}

// The last occurrence of `needle` in `hay` as a word (WordAt).
size_t RFindWord(std::string_view hay, std::string_view needle) {
  for (size_t at = RFind(hay, needle); at != std::string_view::npos;
       at = RFind(hay.substr(0, at + needle.size() - 1), needle)) {
    if (WordAt(hay, needle, at)) return at;
  }
  return std::string_view::npos;
}

// Tokens in `s`: each CJK (non-ASCII) code point and each ASCII word counts
// one; spaces and punctuation none.
int Tokens(std::string_view s) {
  int n = 0;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (IsWord(s[i])) {
      ++n;
      while (i < s.size() && IsWord(s[i])) ++i;
    } else {
      if (c >= 0x80 && c != 0x01) ++n;
      i += Utf8Length(c);
    }
  }
  return n;
}

}  // namespace

TermMatcher::CueSet::CueSet(const std::vector<std::string>& cue_list) : cues(cue_list) {
  for (size_t i = 0; i < cues.size(); ++i) {
    if (!cues[i].empty()) by_key[TermKey(cues[i])].push_back(i);
  }
}

template <typename Fn>
void TermMatcher::CueSet::ForEachOccurrence(std::string_view hay, Fn fn) const {
  if (by_key.empty()) return;
  auto look_in = [&](uint32_t key, size_t at) {
    auto it = by_key.find(key);
    if (it == by_key.end()) return;
    for (size_t i : it->second) {
      const std::string& cue = cues[i];
      if (hay.compare(at, cue.size(), cue) == 0 && WordAt(hay, cue, at)) fn(i, at);
    }
  };
  for (size_t at = 0; at < hay.size();) {
    const std::string_view rest = hay.substr(at);
    ForEachKeyAt(rest, [&](uint32_t key) { look_in(key, at); });
    at += WholeCodePoint(rest);
  }
}

bool TermMatcher::CueSet::Before(std::string_view before, int window, std::string* found) const {
  absl::InlinedVector<size_t, 64> last(cues.size(), std::string_view::npos);
  bool any = false;
  ForEachOccurrence(before, [&](size_t i, size_t at) {
    last[i] = at;
    any = true;
  });
  if (!any) return false;
  // The first cue, in the configured order, whose last occurrence ends
  // within `window` tokens of the term.
  for (size_t i = 0; i < cues.size(); ++i) {
    if (last[i] != std::string_view::npos &&
        Tokens(before.substr(last[i] + cues[i].size())) <= window) {
      *found = cues[i];
      return true;
    }
  }
  return false;
}

bool TermMatcher::CueSet::After(std::string_view after, int window, std::string* found) const {
  absl::InlinedVector<size_t, 64> first(cues.size(), std::string_view::npos);
  bool any = false;
  ForEachOccurrence(after, [&](size_t i, size_t at) {
    if (first[i] == std::string_view::npos) first[i] = at;
    any = true;
  });
  if (!any) return false;
  // The first cue, in the configured order, whose first occurrence starts
  // within `window` tokens of the term.
  for (size_t i = 0; i < cues.size(); ++i) {
    if (first[i] != std::string_view::npos && Tokens(after.substr(0, first[i])) <= window) {
      *found = cues[i];
      return true;
    }
  }
  return false;
}

TermMatcher::TermMatcher(std::vector<Term> terms, NegationRules negation)
    : terms_(std::move(terms)),
      negation_(std::move(negation)),
      before_cues_(negation_.before),
      absence_cues_(negation_.absence),
      after_cues_(negation_.after) {
  for (const Term& term : terms_) {
    std::string_view core = term.text;
    if (!core.empty() && core.back() == '*') core.remove_suffix(1);
    if (core.empty()) continue;
    by_prefix_[TermKey(core)].push_back(&term);
  }
  for (auto& [key, bucket] : by_prefix_) {
    std::stable_sort(bucket.begin(), bucket.end(), [](const Term* a, const Term* b) {
      return a->text.size() > b->text.size();
    });
  }
}

bool TermMatcher::MatchesAt(const Term& term, std::string_view text, size_t pos,
                            size_t* end) const {
  std::string_view core = term.text;
  const bool prefix = core.back() == '*';
  if (prefix) core.remove_suffix(1);
  if (text.compare(pos, core.size(), core) != 0) return false;
  if (IsWord(core.front()) && pos > 0 && IsWord(text[pos - 1])) return false;
  size_t e = pos + core.size();
  if (IsWord(core.back()) && e < text.size() && IsWord(text[e])) {
    if (prefix) {
      while (e < text.size() && IsWord(text[e])) ++e;
    } else {
      bool inflected = false;
      for (std::string_view suffix : kInflections) {
        size_t after = e + suffix.size();
        if (text.compare(e, suffix.size(), suffix) == 0 &&
            (after == text.size() || !IsWord(text[after]))) {
          e = after;
          inflected = true;
          break;
        }
      }
      if (!inflected) return false;
    }
  }
  *end = e;
  return true;
}

TermMatcher::TextCues TermMatcher::CuesIn(std::string_view text) const {
  TextCues out;
  for (const std::string& word : negation_.contrast) {
    if (!word.empty() && text.find(word) != std::string_view::npos) out.contrast.push_back(&word);
  }
  for (const std::string& pseudo : negation_.pseudo) {
    if (!pseudo.empty() && text.find(pseudo) != std::string_view::npos) {
      out.pseudo.push_back(&pseudo);
    }
  }
  for (const std::string& word : negation_.reported) {
    if (!word.empty() && FindWord(text, word) != std::string_view::npos) {
      out.reported.push_back(&word);
    }
  }
  return out;
}

std::vector<TermMatcher::Match> TermMatcher::FindAll(std::string_view text) const {
  std::vector<Match> out;
  std::optional<TextCues> cues;  // looked for at the first match
  size_t pos = 0;
  while (pos < text.size()) {
    const Term* best = nullptr;
    size_t best_end = 0;
    auto look_in = [&](uint32_t key) {
      auto it = by_prefix_.find(key);
      if (it == by_prefix_.end()) return;
      for (const Term* term : it->second) {
        size_t end = 0;
        if (MatchesAt(*term, text, pos, &end) && end > best_end) {
          best = term;
          best_end = end;
        }
      }
    };
    ForEachKeyAt(text.substr(pos), look_in);
    if (best == nullptr) {
      // No term starts inside an ASCII word: a term that begins with a word
      // character needs a boundary in front of it. So a word without a
      // match at its start is skipped whole.
      if (IsWord(text[pos])) {
        while (pos < text.size() && IsWord(text[pos])) ++pos;
      } else {
        pos += Utf8Length(static_cast<unsigned char>(text[pos]));
      }
      continue;
    }
    if (!cues) cues = CuesIn(text);
    out.push_back(
        {best, pos, best_end, NegationCue(text, pos, best_end, best->absence_negates, *cues)});
    pos = best_end;
  }
  return out;
}

std::string TermMatcher::NegationCue(std::string_view text, size_t begin, size_t end,
                                     bool absence, const TextCues& cues) const {
  // The clause around the match.
  // Back to the nearest clause mark (a mark may be several bytes; one that
  // ends exactly at `begin` still counts), forward to the next one.
  size_t clause_begin = 0;
  for (size_t i = begin; i-- > 0;) {
    if (size_t n = ClauseMarkAt(text, i); n > 0 && i + n <= begin) {
      clause_begin = i + n;
      break;
    }
  }
  size_t clause_end = text.size();
  for (size_t i = end; i < text.size(); ++i) {
    if (ClauseMarkAt(text, i)) {
      clause_end = i;
      break;
    }
  }
  std::string_view before = text.substr(clause_begin, begin - clause_begin);
  std::string_view after = text.substr(end, clause_end - end);
  // A contrast word starts a new thought: only what follows it (before the
  // term) or precedes it (after the term) can negate.
  for (const std::string* word : cues.contrast) {
    if (size_t at = RFindWord(before, *word); at != std::string_view::npos) {
      before.remove_prefix(at + word->size());
    }
    if (size_t at = FindWord(after, *word); at != std::string_view::npos) {
      after = after.substr(0, at);
    }
  }
  // Pseudo-cues are blanked out (copies only when one occurs).
  std::string before_copy, after_copy;
  for (auto [region, copy] : {std::pair{&before, &before_copy}, std::pair{&after, &after_copy}}) {
    for (const std::string* pseudo : cues.pseudo) {
      if (region->find(*pseudo) == std::string_view::npos) continue;
      if (copy->empty()) *copy = std::string(*region);
      for (size_t at = copy->find(*pseudo); at != std::string::npos;
           at = copy->find(*pseudo, at)) {
        copy->replace(at, pseudo->size(), std::string(pseudo->size(), '\x01'));
      }
      *region = *copy;
    }
  }
  std::string cue;
  if (before_cues_.Before(before, negation_.window, &cue)) return cue;
  if (absence && absence_cues_.Before(before, negation_.window, &cue)) return cue;
  // An after-cue in a clause that reports someone's words is theirs.
  for (const std::string* word : cues.reported) {
    if (FindWord(before, *word) != std::string_view::npos ||
        FindWord(after, *word) != std::string_view::npos) {
      return "";
    }
  }
  if (after_cues_.After(after, negation_.after_window, &cue)) return cue;
  return "";
}

}  // namespace sqms::complaints::domain
