// MetricsServer on port 0, scraped over HTTP.

#include "sqms/runtime/metrics.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "gtest/gtest.h"

namespace sqms::runtime {
namespace {

// GET /metrics from 127.0.0.1:port; the whole response ("" on error).
std::string Scrape(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    std::string request = "GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n";
    if (write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buf[4096];
      for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  return out;
}

TEST(MetricsServerTest, PortZeroServesRpcMetrics) {
  auto server = MetricsServer::Start("127.0.0.1:0");
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_GT((*server)->port(), 0);
  RpcMetrics rpc((*server)->registry());
  rpc.Observe("complaints", "SubmitComplaint", "OK", std::chrono::milliseconds(3));
  rpc.Observe("complaints", "SubmitComplaint", "OK", std::chrono::milliseconds(7));
  std::string body = Scrape((*server)->port());
  EXPECT_NE(body.find("sqms_rpc_requests_total{code=\"OK\",method=\"SubmitComplaint\","
                      "service=\"complaints\"} 2"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("sqms_rpc_latency_seconds_count{method=\"SubmitComplaint\","
                      "service=\"complaints\"} 2"),
            std::string::npos);
}

TEST(MetricsServerTest, BindFailureIsUnavailable) {
  auto first = MetricsServer::Start("127.0.0.1:0");
  ASSERT_TRUE(first.ok());
  auto second = MetricsServer::Start("127.0.0.1:" + std::to_string((*first)->port()));
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace sqms::runtime
