#pragma once
// cpp-httplib's Server with a deadline on reading each request (internal to
// HttpServer). cpp-httplib 0.11 bounds only each socket read, so a peer
// that sends its headers a byte at a time, one byte less often than
// read_timeout, holds a worker thread for as long as it likes — before
// authentication, which needs the whole header block. Here every request
// (request line, headers and body) must arrive within `request_timeout` of
// its first byte, or its connection is closed; an idle keep-alive
// connection is closed after keep_alive_timeout as before. The connection
// loop is cpp-httplib's own (Server::process_request reads, routes and
// answers), over a socket stream that knows the deadline.
//
// Thread-safety: process_and_close_socket runs on a worker thread per
// connection; the CutHandler is called there too, so it must be
// thread-safe. CurrentPeer()/RequestCut() describe the connection of the
// calling worker thread (for the logger and pre-routing handler, which
// cpp-httplib calls on it).

#include <httplib.h>

#include <chrono>
#include <functional>
#include <string>

namespace sqms::runtime::http_internal {

struct Peer {
  std::string address;  // numeric IP; "" when unknown
  int port = 0;
};

class DeadlineServer : public httplib::Server {
 public:
  // Called when a request was cut at its deadline before cpp-httplib could
  // answer it (no answer is written: the request line never arrived).
  using CutHandler = std::function<void(const Peer& peer)>;

  DeadlineServer(std::chrono::milliseconds request_timeout, CutHandler on_cut);

  // The peer of the connection this worker thread serves; empty outside
  // one.
  static const Peer& CurrentPeer();
  // Whether the request this worker thread is reading or answering was cut
  // at its deadline (its reads failed for that reason).
  static bool RequestCut();
  // Closes this worker thread's connection once the current answer is
  // written (cpp-httplib keeps it open after its own 400s: a peer could
  // send one malformed request after another on it). Call from the
  // logger or a handler.
  static void CloseAfterAnswer();

 private:
  bool process_and_close_socket(socket_t sock) override;
  // Until `sock` is readable (true), keep_alive_timeout passes, or the
  // server stops (false).
  bool AwaitRequest(socket_t sock) const;

  const std::chrono::milliseconds request_timeout_;
  const CutHandler on_cut_;
};

}  // namespace sqms::runtime::http_internal
