#pragma once
// The production TextNormalizer: Unicode NFKC with case folding (ICU), which
// turns full-width Latin letters and digits into ASCII (ＡＣ → ac, １２３０６ →
// 12306), folds case and compatibility forms; then Traditional → Simplified
// Chinese with Taiwan phrases (OpenCC's tw2sp: 車廂冒煙 → 车厢冒烟, 網路 → 网络,
// 著火 → 着火). Hong Kong spellings convert character by character.
//
// Thread-safe: ICU's normalizer is immutable; OpenCC's converter is guarded
// by a mutex (its thread-safety is not documented).

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

 private:
  struct Handles;
  explicit IcuOpenccNormalizer(std::unique_ptr<Handles> handles);
  std::string Convert(const std::string& folded) const;

  std::unique_ptr<Handles> handles_;
  mutable absl::Mutex opencc_mu_;
};

}  // namespace sqms::complaints::text
