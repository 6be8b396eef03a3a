// Reading JSON-lines files of proto messages (one proto JSON object a line).
// Enum values are read by the same names the flags take ("p1", "P1",
// "PRIORITY_P1", "hotline", aliases; see enum_names.h), so a file and a
// command line spell them alike.
#pragma once

#include <google/protobuf/message.h>

#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sqms::tools {

// Parses one proto JSON object into message. INVALID_ARGUMENT naming the
// problem (and the field, where there is one) otherwise. Unknown fields are
// errors (typos should not pass).
absl::Status ParseJsonMessage(std::string_view json, google::protobuf::Message& message);

// A line of the file that could not be read, and why.
struct BadLine {
  int line = 0;         // 1-based
  std::string message;  // names the field where there is one
};

// The readable messages of a file (with their line numbers) and its bad
// lines: one bad line does not hide the others.
template <typename T>
struct JsonLines {
  std::vector<T> messages;
  std::vector<int> lines;  // lines[i]: the line messages[i] came from
  std::vector<BadLine> bad;
};

// Parses text line by line; blank lines and lines starting with '#' are
// skipped; every other line is a message or a BadLine.
template <typename T>
JsonLines<T> ParseJsonLines(std::string_view text) {
  JsonLines<T> out;
  std::istringstream in{std::string(text)};
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    T message;
    absl::Status status = ParseJsonMessage(line, message);
    if (!status.ok()) {
      out.bad.push_back({number, std::string(status.message())});
      continue;
    }
    out.messages.push_back(std::move(message));
    out.lines.push_back(number);
  }
  return out;
}

// Reads the whole file; NOT_FOUND when it cannot be opened.
absl::StatusOr<std::string> ReadFile(const std::string& path);

// ReadFile then ParseJsonLines; NOT_FOUND when the file cannot be opened.
template <typename T>
absl::StatusOr<JsonLines<T>> ReadJsonLines(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseJsonLines<T>(*text);
}

// "path:line: message", for stderr.
std::string FormatBadLine(const std::string& path, const BadLine& bad);

}  // namespace sqms::tools
