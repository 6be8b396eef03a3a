#include "sqms/runtime/well_formed.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/timestamp.pb.h"
#include "sqms/runtime/field_violation.h"

namespace sqms::runtime {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using Violations = std::vector<FieldViolation>;

void Walk(const Message& m, const std::string& prefix, Violations& out);

void CheckTimestamp(const google::protobuf::Timestamp& t, const std::string& path,
                    Violations& out) {
  if (t.seconds() < kMinTimestampSeconds || t.seconds() > kMaxTimestampSeconds) {
    out.push_back({path + ".seconds", "must be within 0001-01-01 and 9999-12-31"});
  }
  if (t.nanos() < 0 || t.nanos() > 999'999'999) {
    out.push_back({path + ".nanos", "must be between 0 and 999999999"});
  }
}

// Whether a field of this kind can hold a value the walk refuses: enums,
// messages (a Timestamp, or what they contain) and repeated fields. Strings
// and numbers are checked where they are used (domain validation).
bool Checkable(const FieldDescriptor* f) {
  return f->is_repeated() || f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM ||
         f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
}

// Whether `d` has any checkable field: most requests (ids, notes, versions)
// have none, and then the walk costs nothing.
bool HasCheckableField(const google::protobuf::Descriptor* d) {
  for (int i = 0; i < d->field_count(); ++i) {
    if (Checkable(d->field(i))) return true;
  }
  return false;
}

void CheckEnum(const FieldDescriptor* f, int value, const std::string& path, Violations& out) {
  if (f->enum_type()->FindValueByNumber(value) == nullptr) {
    out.push_back({path, absl::StrCat("unknown value ", value)});
  }
}

void CheckMessage(const Message& m, const std::string& path, Violations& out) {
  if (m.GetDescriptor() == google::protobuf::Timestamp::descriptor()) {
    // Requests are generated messages: the Timestamp is the generated type.
    CheckTimestamp(static_cast<const google::protobuf::Timestamp&>(m), path, out);
  } else {
    Walk(m, path + ".", out);
  }
}

void Walk(const Message& m, const std::string& prefix, Violations& out) {
  if (!HasCheckableField(m.GetDescriptor())) return;
  const Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);  // set fields only; unset ones have no bad value
  for (const FieldDescriptor* f : fields) {
    if (!Checkable(f)) continue;
    const std::string path = prefix + f->name();
    if (f->is_repeated()) {
      const int n = r->FieldSize(m, f);
      const int max = f->is_map() ? kMaxMapEntries : kMaxRepeated;
      if (n > max) {
        out.push_back({path, absl::StrCat("must have at most ", max, " elements")});
        continue;
      }
      for (int i = 0; i < n; ++i) {
        const std::string element = absl::StrCat(path, "[", i, "]");
        if (f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
          CheckEnum(f, r->GetRepeatedEnumValue(m, f, i), element, out);
        } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
          CheckMessage(r->GetRepeatedMessage(m, f, i), element, out);
        }
      }
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
      CheckEnum(f, r->GetEnumValue(m, f), path, out);
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      CheckMessage(r->GetMessage(m, f), path, out);
    }
  }
}

}  // namespace

absl::Status CheckWellFormed(const Message& request, const std::string& prefix) {
  Violations out;
  Walk(request, prefix, out);
  return InvalidArgument(std::move(out));
}

}  // namespace sqms::runtime
