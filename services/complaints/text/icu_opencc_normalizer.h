#pragma once
// The production TextNormalizer: Unicode NFKC with case folding (ICU), which
// turns full-width Latin letters and digits into ASCII (ＡＣ → ac, １２３０６ →
// 12306), folds case and compatibility forms; then Traditional → Simplified
// Chinese (OpenCC's t2s: 車廂冒煙 → 车厢冒烟, 網路斷了 → 网路断了; ADR 0007 says
// why not tw2sp).
//
// OpenCC only runs on a text it can change. At start-up the normaliser takes
// from every dictionary of the conversion chain each entry that rewrites its
// key, and one character of that key that the rewrite changes (a "witness").
// An entry can only apply where its whole key stands in the text, witness
// included; so a folded text without any witness comes out of OpenCC
// unchanged, and is returned as it is. That is most Simplified Chinese and
// all English complaints: OpenCC was a third of triage's cost for them.
//
// Thread-safe: ICU's normalizer and the witness set are immutable; OpenCC's
// converter is guarded by a mutex (its thread-safety is not documented).

#include <memory>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "services/complaints/domain/text_normalizer.h"

namespace sqms::complaints::text {

class IcuOpenccNormalizer final : public domain::TextNormalizer {
 public:
  // `opencc_config`: an OpenCC JSON config; the default is Debian's path.
  // FAILED_PRECONDITION when ICU or OpenCC cannot be initialised (missing
  // libopencc-data).
  static absl::StatusOr<std::unique_ptr<IcuOpenccNormalizer>> Create(
      const std::string& opencc_config = "/usr/share/opencc/t2s.json");
  ~IcuOpenccNormalizer() override;

  std::string Normalize(std::string_view utf8) const override;

  // How many characters witness a rewriting entry (for tests and logs).
  size_t WitnessCount() const;

 private:
  struct Handles;
  explicit IcuOpenccNormalizer(std::unique_ptr<Handles> handles);
  std::string Convert(const std::string& folded) const;

  std::unique_ptr<Handles> handles_;
  mutable absl::Mutex opencc_mu_;
};

}  // namespace sqms::complaints::text
