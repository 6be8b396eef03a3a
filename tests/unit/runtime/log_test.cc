#include "sqms/runtime/log.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace sqms::runtime::log {
namespace {

// Redirects fd 2 into a file for the fixture's lifetime.
class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "/log-test-" + std::to_string(getpid());
    int fd = ::open(path_.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
    ASSERT_GE(fd, 0);
    saved_ = ::dup(STDERR_FILENO);
    ::dup2(fd, STDERR_FILENO);
    ::close(fd);
    Init("testsvc", Level::kInfo);
  }
  void TearDown() override { Restore(); }
  void Restore() {
    if (saved_ < 0) return;
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
    saved_ = -1;
  }
  std::vector<nlohmann::json> Lines() {
    Restore();
    std::ifstream in(path_);
    std::vector<nlohmann::json> out;
    for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
    return out;
  }

  std::string path_;
  int saved_ = -1;
};

TEST_F(LogTest, WritesOneJsonObjectPerLine) {
  Info("complaint accepted", {{"complaint_id", "c-1"}, {"items", 3}});
  auto lines = Lines();
  ASSERT_EQ(lines.size(), 1u);
  const auto& line = lines[0];
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["service"], "testsvc");
  EXPECT_EQ(line["msg"], "complaint accepted");
  EXPECT_EQ(line["complaint_id"], "c-1");
  EXPECT_EQ(line["items"], 3);
  std::string ts = line["ts"];
  // 2026-11-21T10:00:00.123Z
  ASSERT_EQ(ts.size(), 24u) << ts;
  EXPECT_EQ(ts[10], 'T');
  EXPECT_EQ(ts[19], '.');
  EXPECT_EQ(ts.back(), 'Z');
}

TEST_F(LogTest, FiltersBelowMinimumLevel) {
  Debug("hidden");
  Warn("shown");
  auto lines = Lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["level"], "warn");
}

TEST_F(LogTest, EscapesAndReplacesInvalidUtf8) {
  Error("quote \" newline \n tab \t bad \xff\xfe end", {{"k", "caf\xc3\xa9 \xc3"}});
  auto lines = Lines();
  ASSERT_EQ(lines.size(), 1u);
  std::string msg = lines[0]["msg"];
  EXPECT_NE(msg.find("quote \" newline \n tab"), std::string::npos);
  EXPECT_NE(msg.find("\xef\xbf\xbd"), std::string::npos);  // U+FFFD
  EXPECT_EQ(lines[0]["k"].get<std::string>().substr(0, 5), "caf\xc3\xa9");
}

TEST_F(LogTest, ScopedRequestIdNestsAndRestores) {
  {
    const std::string req1 = "req-1", req2 = "req-2";
    ScopedRequestId outer(req1);
    Info("a");
    {
      ScopedRequestId inner(req2);
      EXPECT_EQ(CurrentRequestId(), "req-2");
      Info("b");
    }
    Info("c");
  }
  Info("d");
  auto lines = Lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0]["request_id"], "req-1");
  EXPECT_EQ(lines[1]["request_id"], "req-2");
  EXPECT_EQ(lines[2]["request_id"], "req-1");
  EXPECT_FALSE(lines[3].contains("request_id"));
}

TEST_F(LogTest, ConcurrentLinesNeverInterleave) {
  constexpr int kThreads = 4, kLines = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      std::string payload(300, static_cast<char>('a' + t));
      for (int i = 0; i < kLines; ++i) Info("line", {{"t", t}, {"payload", payload}});
    });
  }
  for (auto& thread : threads) thread.join();
  auto lines = Lines();  // parse() throws, failing the test, on a torn line
  EXPECT_EQ(lines.size(), static_cast<size_t>(kThreads * kLines));
}

TEST(LogLevelTest, Parses) {
  Level level;
  ASSERT_TRUE(ParseLevel("warn", &level));
  EXPECT_EQ(level, Level::kWarn);
  EXPECT_FALSE(ParseLevel("verbose", &level));
}

}  // namespace
}  // namespace sqms::runtime::log
