#include "services/complaints/domain/term_matcher.h"

#include <algorithm>
#include <utility>

#include "services/complaints/domain/utf8.h"

namespace sqms::complaints::domain {
namespace {

constexpr std::string_view kInflections[] = {"ing", "ers", "es", "ed", "er", "s", "d"};
// Clause ends: ASCII punctuation (full-width forms are folded to it by the
// normaliser) and the CJK marks NFKC keeps.
constexpr std::string_view kClauseMarks[] = {"。", "、", "…", "；", "，", "！", "？"};

bool IsWord(char c) { return IsAsciiWordChar(c); }

unsigned Key(std::string_view s) {
  auto b = [&](size_t i) { return static_cast<unsigned>(static_cast<unsigned char>(s[i])); };
  return s.size() >= 2 ? (b(0) << 8) | b(1) : 0x10000u | b(0);
}

// Where the clause around [begin, end) starts (exclusive of the mark) and
// ends.
size_t ClauseMarkAt(std::string_view text, size_t pos) {
  char c = text[pos];
  if (c == ',' || c == '.' || c == ';' || c == '!' || c == '?' || c == ':' || c == '\n') return 1;
  for (std::string_view mark : kClauseMarks) {
    if (text.substr(pos, mark.size()) == mark) return mark.size();
  }
  return 0;
}

// `needle` occurs in `hay` with ASCII word boundaries at ASCII edges.
size_t FindWord(std::string_view hay, std::string_view needle, size_t from = 0) {
  for (size_t at = hay.find(needle, from); at != std::string_view::npos;
       at = hay.find(needle, at + 1)) {
    size_t end = at + needle.size();
    bool left_ok = !IsWord(needle.front()) || at == 0 || !IsWord(hay[at - 1]);
    bool right_ok = !IsWord(needle.back()) || end == hay.size() || !IsWord(hay[end]);
    if (left_ok && right_ok) return at;
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

// A cue in `before` whose end is at most `window` tokens from the term.
bool CueBefore(std::string_view before, const std::vector<std::string>& cues, int window,
               std::string* found) {
  for (const std::string& cue : cues) {
    if (cue.empty()) continue;
    size_t last = std::string_view::npos;
    for (size_t at = FindWord(before, cue); at != std::string_view::npos;
         at = FindWord(before, cue, at + 1)) {
      last = at;
    }
    if (last != std::string_view::npos && Tokens(before.substr(last + cue.size())) <= window) {
      *found = cue;
      return true;
    }
  }
  return false;
}

// A cue in `after` that starts at most `window` tokens after the term.
bool CueAfter(std::string_view after, const std::vector<std::string>& cues, int window,
              std::string* found) {
  for (const std::string& cue : cues) {
    if (cue.empty()) continue;
    size_t at = FindWord(after, cue);
    if (at != std::string_view::npos && Tokens(after.substr(0, at)) <= window) {
      *found = cue;
      return true;
    }
  }
  return false;
}

}  // namespace

TermMatcher::TermMatcher(std::vector<Term> terms, NegationRules negation)
    : terms_(std::move(terms)), negation_(std::move(negation)) {
  for (const Term& term : terms_) {
    if (term.text.empty() || term.text == "*") continue;
    by_prefix_[Key(term.text)].push_back(&term);
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

std::vector<TermMatcher::Match> TermMatcher::FindAll(std::string_view text) const {
  std::vector<Match> out;
  size_t pos = 0;
  while (pos < text.size()) {
    const Term* best = nullptr;
    size_t best_end = 0;
    for (unsigned key : {Key(text.substr(pos)), 0x10000u | static_cast<unsigned char>(text[pos])}) {
      auto it = by_prefix_.find(key);
      if (it == by_prefix_.end()) continue;
      for (const Term* term : it->second) {
        size_t end = 0;
        if (MatchesAt(*term, text, pos, &end) && end > best_end) {
          best = term;
          best_end = end;
        }
      }
    }
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
    out.push_back({best, pos, best_end, NegationCue(text, pos, best_end, best->absence_negates)});
    pos = best_end;
  }
  return out;
}

std::string TermMatcher::NegationCue(std::string_view text, size_t begin, size_t end,
                                     bool absence) const {
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
  std::string before(text.substr(clause_begin, begin - clause_begin));
  std::string after(text.substr(end, clause_end - end));
  // A contrast word starts a new thought: only what follows it (before the
  // term) or precedes it (after the term) can negate.
  for (const std::string& word : negation_.contrast) {
    if (size_t at = before.rfind(word); at != std::string::npos && !word.empty()) {
      before.erase(0, at + word.size());
    }
    if (size_t at = FindWord(after, word); at != std::string::npos && !word.empty()) {
      after.erase(at);
    }
  }
  for (std::string* region : {&before, &after}) {
    for (const std::string& pseudo : negation_.pseudo) {
      for (size_t at = region->find(pseudo); !pseudo.empty() && at != std::string::npos;
           at = region->find(pseudo, at)) {
        region->replace(at, pseudo.size(), std::string(pseudo.size(), '\x01'));
      }
    }
  }
  std::string cue;
  if (CueBefore(before, negation_.before, negation_.window, &cue)) return cue;
  if (absence && CueBefore(before, negation_.absence, negation_.window, &cue)) return cue;
  if (CueAfter(after, negation_.after, negation_.after_window, &cue)) return cue;
  return "";
}

}  // namespace sqms::complaints::domain
