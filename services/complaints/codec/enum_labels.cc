#include "services/complaints/codec/enum_labels.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "google/protobuf/descriptor.h"
#include "sqms/complaints/v1/types.pb.h"
#include "sqms/events/v1/complaint_event.pb.h"

namespace sqms::complaints::codec {
namespace {

// The names of one proto enum by number, without the prefix its values
// share (the part of "<PREFIX>UNSPECIFIED" before "UNSPECIFIED").
class EnumLabels {
 public:
  explicit EnumLabels(const google::protobuf::EnumDescriptor& descriptor) {
    const std::string& zero = descriptor.FindValueByNumber(0)->name();
    const size_t prefix = zero.size() - std::string("UNSPECIFIED").size();
    for (int i = 0; i < descriptor.value_count(); ++i) {
      const auto* value = descriptor.value(i);
      if (value->number() < 0) continue;
      if (static_cast<size_t>(value->number()) >= labels_.size()) {
        labels_.resize(value->number() + 1, kUnknown);
      }
      labels_[value->number()] = absl::AsciiStrToLower(value->name().substr(prefix));
    }
  }

  const std::string& operator()(int number) const {
    return number >= 0 && static_cast<size_t>(number) < labels_.size() ? labels_[number]
                                                                        : kUnknown;
  }

 private:
  static inline const std::string kUnknown = "unknown";
  std::vector<std::string> labels_;
};

template <typename E>
const std::string& Lookup(const EnumLabels& labels, E value) {
  return labels(static_cast<int>(value));
}

}  // namespace

const std::string& Label(domain::Status status) {
  static const EnumLabels labels(*v1::Status_descriptor());
  return Lookup(labels, status);
}
const std::string& Label(domain::Channel channel) {
  static const EnumLabels labels(*v1::Channel_descriptor());
  return Lookup(labels, channel);
}
const std::string& Label(domain::Category category) {
  static const EnumLabels labels(*v1::Category_descriptor());
  return Lookup(labels, category);
}
const std::string& Label(domain::Priority priority) {
  static const EnumLabels labels(*v1::Priority_descriptor());
  return Lookup(labels, priority);
}
const std::string& Label(domain::SlaTarget target) {
  static const EnumLabels labels(*v1::SlaTarget_descriptor());
  return Lookup(labels, target);
}
const std::string& Label(domain::EventType type) {
  static const EnumLabels labels(*::sqms::events::v1::ComplaintEventType_descriptor());
  return Lookup(labels, type);
}

}  // namespace sqms::complaints::codec
