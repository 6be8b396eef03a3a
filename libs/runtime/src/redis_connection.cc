#include "redis_connection.h"

#include <hiredis/hiredis.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace sqms::runtime::internal {
namespace {

struct ReplyDeleter {
  void operator()(void* reply) const { freeReplyObject(reply); }
};
using ReplyPtr = std::unique_ptr<void, ReplyDeleter>;

timeval ToTimeval(std::chrono::milliseconds ms) {
  if (ms.count() < 1) ms = std::chrono::milliseconds(1);
  timeval tv;
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

RedisReply Convert(const redisReply& in) {
  RedisReply out;
  switch (in.type) {
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = in.integer;
      break;
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      out.type = in.type == REDIS_REPLY_STRING   ? RedisReply::Type::kString
                 : in.type == REDIS_REPLY_STATUS ? RedisReply::Type::kStatus
                                                 : RedisReply::Type::kError;
      out.str.assign(in.str, in.len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      out.elements.reserve(in.elements);
      for (size_t i = 0; i < in.elements; ++i) out.elements.push_back(Convert(*in.element[i]));
      break;
    default:
      out.type = RedisReply::Type::kNil;
  }
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RedisConnection>> RedisConnection::Connect(
    const RedisOptions& options) {
  redisContext* raw =
      redisConnectWithTimeout(options.host.c_str(), options.port, ToTimeval(options.connect_timeout));
  if (raw == nullptr) return absl::UnavailableError("redis: cannot allocate a context");
  std::unique_ptr<RedisConnection> connection(new RedisConnection(raw));
  if (raw->err != 0) return connection->Error("connect");
  redisEnableKeepAlive(raw);
  if (!options.password.empty()) {
    if (auto s = connection->Append({"AUTH", options.password}); !s.ok()) return s;
    auto reply = connection->GetReply(options.connect_timeout);
    if (!reply.ok()) return reply.status();
    if (reply->type == RedisReply::Type::kError) {
      return absl::UnavailableError(absl::StrCat("redis: AUTH failed: ", reply->str));
    }
  }
  return connection;
}

RedisConnection::~RedisConnection() { redisFree(context_); }

absl::Status RedisConnection::Error(const char* what) const {
  if (context_->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK)) {
    return absl::UnavailableError("redis: deadline exceeded");
  }
  return absl::UnavailableError(absl::StrCat("redis: ", what, ": ", context_->errstr));
}

bool RedisConnection::Idle() const {
  pollfd fd{context_->fd, POLLIN, 0};
  return poll(&fd, 1, 0) == 0;
}

absl::Status RedisConnection::SetTimeout(std::chrono::milliseconds timeout) {
  if (timeout.count() < 1) timeout = std::chrono::milliseconds(1);
  if (timeout == timeout_) return absl::OkStatus();
  if (redisSetTimeout(context_, ToTimeval(timeout)) != REDIS_OK) return Error("set timeout");
  timeout_ = timeout;
  return absl::OkStatus();
}

absl::Status RedisConnection::Append(const std::vector<std::string>& argv) {
  // RESP, written here in one pass onto the batch's buffer: hiredis's own
  // formatting runs an sdscatfmt per argument (a metrics checkpoint sends
  // over 100,000 arguments), and its output buffer costs a copy of every
  // command and a memmove of the rest after each partial write (both showed
  // in the complaints service's profile).
  if (context_->err != 0) return Error("append");
  size_t size = pending_.size() + 16;
  for (const std::string& arg : argv) size += arg.size() + 24;
  pending_.reserve(size);
  absl::StrAppend(&pending_, "*", argv.size(), "\r\n");
  for (const std::string& arg : argv) {
    absl::StrAppend(&pending_, "$", arg.size(), "\r\n");
    pending_.append(arg).append("\r\n");
  }
  return absl::OkStatus();
}

absl::Status RedisConnection::Flush() {
  size_t sent = 0;
  while (sent < pending_.size()) {
    const ssize_t n =
        ::send(context_->fd, pending_.data() + sent, pending_.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return absl::UnavailableError("redis: deadline exceeded");  // the send timeout
    } else {
      return absl::UnavailableError(
          absl::StrCat("redis: write: ", n < 0 ? std::strerror(errno) : "connection closed"));
    }
  }
  pending_.clear();
  if (pending_.capacity() > (size_t{1} << 20)) pending_ = std::string();  // a rare big one
  return absl::OkStatus();
}

absl::StatusOr<RedisReply> RedisConnection::GetReply(std::chrono::milliseconds timeout) {
  if (auto s = SetTimeout(timeout); !s.ok()) return s;
  if (!pending_.empty()) {
    if (auto s = Flush(); !s.ok()) return s;
  }
  void* raw = nullptr;
  errno = 0;
  if (redisGetReply(context_, &raw) != REDIS_OK) return Error("I/O");
  ReplyPtr reply(raw);
  if (reply == nullptr) return absl::UnavailableError("redis: no reply");
  return Convert(*static_cast<const redisReply*>(reply.get()));
}

}  // namespace sqms::runtime::internal
