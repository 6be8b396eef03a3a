// Reading JSON-lines files of proto messages (one proto JSON object a line).
#pragma once

#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sqms::tools {

// Parses one proto JSON object into message. INVALID_ARGUMENT naming the
// problem otherwise. Unknown fields are errors (typos should not pass).
absl::Status ParseJsonMessage(std::string_view json, google::protobuf::Message& message);

// Parses text line by line; blank lines and lines starting with '#' are
// skipped. INVALID_ARGUMENT "line N: ..." on the first bad line.
template <typename T>
absl::StatusOr<std::vector<T>> ParseJsonLines(std::string_view text) {
  std::vector<T> messages;
  std::istringstream in{std::string(text)};
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    T message;
    absl::Status status = ParseJsonMessage(line, message);
    if (!status.ok()) {
      return absl::InvalidArgumentError("line " + std::to_string(number) + ": " +
                                        std::string(status.message()));
    }
    messages.push_back(std::move(message));
  }
  return messages;
}

// Reads the whole file; NOT_FOUND when it cannot be opened.
absl::StatusOr<std::string> ReadFile(const std::string& path);

// ReadFile then ParseJsonLines; errors are prefixed with the path.
template <typename T>
absl::StatusOr<std::vector<T>> ReadJsonLines(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<std::vector<T>> messages = ParseJsonLines<T>(*text);
  if (messages.ok()) return messages;
  return absl::InvalidArgumentError(path + ": " + std::string(messages.status().message()));
}

}  // namespace sqms::tools
