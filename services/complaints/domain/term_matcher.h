#pragma once
// Finds configured terms in normalised text (see text_normalizer.h): the
// longest term at each position wins and matches do not overlap, so a
// phrase ("烟头", "no signal") consumes the shorter terms inside it.
//
// Terms whose edge is an ASCII letter or digit match on word boundaries
// ("ac" never matches inside "back"); a word may carry an English
// inflection (s, es, ed, d, ing, er, ers) unless the term ends in '*', which
// matches any continuation ("overcharg*"). CJK terms match as substrings.
//
// Negation: a match is negated when a `before` cue stands in front of it, or
// an `after` cue behind it (at most `window`, resp. `after_window`, tokens
// away in the same clause; a token: one CJK character or one ASCII word)
// (clauses end at punctuation; a contrast word such as 但/but starts a new
// one, an English one on word boundaries: "button" holds no "but").
// Pseudo-cues ("不是第一次", "not only") are never negations.
// Reported speech: in a clause that reports someone's words (说, said,
// told …), an `after` cue is theirs, not the writer's concession ("车厢冒烟
// 乘务员说没问题", "the guard said the smoke is fine"): it negates nothing.
// Immutable after construction; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace sqms::complaints::domain {

struct NegationRules {
  std::vector<std::string> before;   // denials for every term: 不是, 并非, not, isn't …
  // Absence (没有, no, never …) negates only terms marked absence_negates:
  // "没有起火" is no fire, but "没有空调" is the complaint itself.
  std::vector<std::string> absence;
  std::vector<std::string> after;    // 无关, 没问题 …
  std::vector<std::string> pseudo;   // 不是第一次, not only …
  std::vector<std::string> contrast; // 但, 而是, but …
  std::vector<std::string> reported;  // 说, said, told …: after-cues are someone else's
  int window = 4;                    // tokens between a before-cue and the term
  // Tokens between the term and an after-cue: concessions come at the end of
  // a clause ("晚点四十分钟我也认了", "the delay I can live with").
  int after_window = 8;
};

class TermMatcher {
 public:
  struct Term {
    std::string text;  // normalised; a trailing '*' marks a prefix
    int owner = 0;     // caller's index (category, signal)
    double weight = 1;
    bool absence_negates = false;  // NegationRules::absence applies too
  };
  struct Match {
    const Term* term = nullptr;
    size_t begin = 0, end = 0;  // byte offsets in the text
    std::string negation_cue;   // empty: not negated
  };

  // `negation` cues must be normalised like the terms.
  TermMatcher(std::vector<Term> terms, NegationRules negation);

  // All matches in `text`, left to right.
  std::vector<Match> FindAll(std::string_view text) const;

 private:
  // The contrast words, pseudo-cues and reported-speech words found
  // anywhere in one text, in the configured order: no other can stand in a
  // clause of it, so NegationCue looks for these only (found once per text,
  // not twice per match).
  struct TextCues {
    std::vector<const std::string*> contrast;
    std::vector<const std::string*> pseudo;
    std::vector<const std::string*> reported;
  };
  TextCues CuesIn(std::string_view text) const;

  bool MatchesAt(const Term& term, std::string_view text, size_t pos, size_t* end) const;
  std::string NegationCue(std::string_view text, size_t begin, size_t end, bool absence,
                          const TextCues& cues) const;

  // Negation cues indexed like the terms, so a clause is scanned once for
  // all of them instead of once per cue.
  struct CueSet {
    explicit CueSet(const std::vector<std::string>& cue_list);
    // The first cue (configured order) whose last occurrence in `before`
    // ends at most `window` tokens before the term.
    bool Before(std::string_view before, int window, std::string* found) const;
    // The first cue whose first occurrence in `after` starts at most
    // `window` tokens after the term.
    bool After(std::string_view after, int window, std::string* found) const;
    // fn(cue index, byte offset) for every occurrence, on ASCII word
    // boundaries at ASCII edges, left to right.
    template <typename Fn>
    void ForEachOccurrence(std::string_view hay, Fn fn) const;

    std::vector<std::string> cues;
    absl::flat_hash_map<uint32_t, std::vector<size_t>> by_key;
  };

  std::vector<Term> terms_;
  // Terms by their first character (CJK) or two bytes (ASCII), longest
  // first: the candidates FindAll compares at a position (TermKey in the .cc).
  absl::flat_hash_map<uint32_t, std::vector<const Term*>> by_prefix_;
  NegationRules negation_;  // before the cue sets, which are built from it
  CueSet before_cues_, absence_cues_, after_cues_;
};

}  // namespace sqms::complaints::domain
