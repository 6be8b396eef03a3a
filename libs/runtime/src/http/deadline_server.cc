#include "deadline_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace sqms::runtime::http_internal {
namespace {

using Clock = std::chrono::steady_clock;

thread_local Peer current_peer;
thread_local bool request_cut = false;
thread_local bool close_after_answer = false;

// Waits up to `timeout` for `events` on `sock`; true when they came.
bool Wait(socket_t sock, short events, std::chrono::milliseconds timeout) {
  pollfd pfd{.fd = sock, .events = events, .revents = 0};
  const int ms = static_cast<int>(std::max<int64_t>(0, timeout.count()));
  for (;;) {
    const int n = ::poll(&pfd, 1, ms);
    if (n < 0 && errno == EINTR) continue;  // a signal, not the peer: wait again
    return n > 0;
  }
}

// "ip", port of `sockaddr` (getpeername / getsockname).
void Describe(const sockaddr_storage& addr, socklen_t len, std::string& ip, int& port) {
  char host[NI_MAXHOST];
  char service[NI_MAXSERV];
  if (::getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, host, sizeof host, service,
                    sizeof service, NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
    ip = host;
    port = std::atoi(service);
  }
}

// One connection's socket as cpp-httplib reads and writes it: buffered
// reads, each bounded by read_timeout and all of one request by its
// deadline (Start()); writes bounded by write_timeout.
class DeadlineStream final : public httplib::Stream {
 public:
  DeadlineStream(socket_t sock, std::chrono::milliseconds read_timeout,
                 std::chrono::milliseconds write_timeout, std::chrono::milliseconds request_timeout)
      : sock_(sock),
        read_timeout_(read_timeout),
        write_timeout_(write_timeout),
        request_timeout_(request_timeout) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getpeername(sock, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      Describe(addr, len, peer_.address, peer_.port);
    }
  }

  // A request begins: its deadline runs from now. What an earlier request
  // left unread in the buffer (the body of one refused before it was read)
  // is dropped, as cpp-httplib's own loop does with a stream per request.
  void Start() {
    deadline_ = Clock::now() + request_timeout_;
    request_cut = false;
    close_after_answer = false;
    buffered_ = filled_ = 0;
  }
  const Peer& peer() const { return peer_; }

  bool is_readable() const override {
    if (buffered_ < filled_) return true;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
    if (left.count() <= 0) {
      request_cut = true;
      return false;
    }
    if (Wait(sock_, POLLIN, std::min(read_timeout_, left))) return true;
    // The wait ended at the deadline (poll may return a little before it
    // in steady_clock's terms), not at read_timeout.
    if (left <= read_timeout_) request_cut = true;
    return false;
  }

  bool is_writable() const override { return Wait(sock_, POLLOUT, write_timeout_); }

  ssize_t read(char* ptr, size_t size) override {
    if (buffered_ < filled_) return Take(ptr, size);
    if (!is_readable()) return -1;
    if (size >= sizeof buffer_) return Recv(ptr, size);
    const ssize_t n = Recv(buffer_, sizeof buffer_);
    if (n <= 0) return n;
    buffered_ = 0;
    filled_ = static_cast<size_t>(n);
    return Take(ptr, size);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!is_writable()) return -1;
    for (;;) {
      const ssize_t n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      return n;
    }
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = peer_.address;
    port = peer_.port;
  }

  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      Describe(addr, len, ip, port);
    }
  }

  socket_t socket() const override { return sock_; }

 private:
  ssize_t Take(char* ptr, size_t size) {
    const size_t n = std::min(size, filled_ - buffered_);
    std::memcpy(ptr, buffer_ + buffered_, n);
    buffered_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t Recv(char* ptr, size_t size) {
    for (;;) {
      const ssize_t n = ::recv(sock_, ptr, size, 0);
      if (n < 0 && errno == EINTR) continue;
      return n;
    }
  }

  const socket_t sock_;
  const std::chrono::milliseconds read_timeout_, write_timeout_, request_timeout_;
  Peer peer_;
  Clock::time_point deadline_ = Clock::time_point::max();
  char buffer_[4096];
  size_t buffered_ = 0;  // bytes of buffer_ already handed out
  size_t filled_ = 0;    // bytes of buffer_ received
};

std::chrono::milliseconds Millis(time_t sec, time_t usec) {
  return std::chrono::milliseconds(sec * 1000 + usec / 1000);
}

}  // namespace

DeadlineServer::DeadlineServer(std::chrono::milliseconds request_timeout, CutHandler on_cut)
    : request_timeout_(request_timeout), on_cut_(std::move(on_cut)) {}

const Peer& DeadlineServer::CurrentPeer() { return current_peer; }
bool DeadlineServer::RequestCut() { return request_cut; }
void DeadlineServer::CloseAfterAnswer() { close_after_answer = true; }

bool DeadlineServer::AwaitRequest(socket_t sock) const {
  // In slices, so that Stop() (which invalidates svr_sock_) is not held up
  // by an idle keep-alive connection.
  constexpr std::chrono::milliseconds kSlice(100);
  const auto until = Clock::now() + std::chrono::seconds(keep_alive_timeout_sec_);
  while (svr_sock_ != INVALID_SOCKET) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    if (left.count() <= 0) return false;
    if (Wait(sock, POLLIN, std::min(kSlice, left))) return true;
  }
  return false;
}

// cpp-httplib's own connection loop (process_server_socket_core), over a
// DeadlineStream.
bool DeadlineServer::process_and_close_socket(socket_t sock) {
  DeadlineStream stream(sock, Millis(read_timeout_sec_, read_timeout_usec_),
                        Millis(write_timeout_sec_, write_timeout_usec_), request_timeout_);
  current_peer = stream.peer();
  bool ok = false;
  for (size_t left = std::max<size_t>(1, keep_alive_max_count_); left > 0; --left) {
    if (!AwaitRequest(sock)) break;
    stream.Start();
    bool connection_closed = false;
    ok = process_request(stream, /*close_connection=*/left == 1, connection_closed, nullptr);
    if (request_cut) {
      // A cut request that got its 400 was logged by the logger; one whose
      // request line never arrived got no answer, so nothing saw it.
      if (!ok && on_cut_) on_cut_(stream.peer());
      ok = false;
      break;
    }
    if (close_after_answer) break;
    if (!ok || connection_closed) break;
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  current_peer = Peer{};
  request_cut = false;
  close_after_answer = false;
  return ok;
}

}  // namespace sqms::runtime::http_internal
