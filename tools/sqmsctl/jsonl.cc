#include "tools/sqmsctl/jsonl.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "tools/sqmsctl/enum_names.h"

namespace sqms::tools {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using nlohmann::json;

const FieldDescriptor* FindField(const Descriptor& message, const std::string& key) {
  const FieldDescriptor* field = message.FindFieldByName(key);
  return field != nullptr ? field : message.FindFieldByCamelcaseName(key);
}

absl::Status NormalizeMessage(json& object, const Descriptor& message, const std::string& path);

// One value of `field`: an enum name becomes its proto name; a nested
// message is normalized in turn. Other values are left to the proto parser.
absl::Status NormalizeValue(json& value, const FieldDescriptor& field, const std::string& path) {
  if (field.type() == FieldDescriptor::TYPE_ENUM && value.is_string()) {
    absl::StatusOr<int> number = ParseEnumValue(*field.enum_type(), value.get<std::string>());
    if (!number.ok()) {
      return absl::InvalidArgumentError(path + ": " + std::string(number.status().message()));
    }
    value = field.enum_type()->FindValueByNumber(*number)->name();
  } else if (field.type() == FieldDescriptor::TYPE_MESSAGE && value.is_object() &&
             !field.is_map() && field.message_type()->file()->package() != "google.protobuf") {
    return NormalizeMessage(value, *field.message_type(), path);
  }
  return absl::OkStatus();
}

absl::Status NormalizeMessage(json& object, const Descriptor& message, const std::string& path) {
  for (auto& [key, value] : object.items()) {
    const FieldDescriptor* field = FindField(message, key);
    if (field == nullptr) continue;  // the proto parser names unknown fields
    std::string field_path = path.empty() ? field->name() : path + "." + field->name();
    if (field->is_repeated() && value.is_array()) {
      for (json& item : value) {
        if (auto s = NormalizeValue(item, *field, field_path); !s.ok()) return s;
      }
    } else if (auto s = NormalizeValue(value, *field, field_path); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ParseJsonMessage(std::string_view text, google::protobuf::Message& message) {
  json object = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded() || !object.is_object()) {
    return absl::InvalidArgumentError("not a JSON object");
  }
  if (auto s = NormalizeMessage(object, *message.GetDescriptor(), ""); !s.ok()) return s;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  std::string normalized = object.dump();
  auto status = google::protobuf::util::JsonStringToMessage(normalized, &message, options);
  if (status.ok()) return absl::OkStatus();
  return absl::InvalidArgumentError(std::string(status.message()));
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot open " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string FormatBadLine(const std::string& path, const BadLine& bad) {
  return path + ":" + std::to_string(bad.line) + ": " + bad.message;
}

}  // namespace sqms::tools
