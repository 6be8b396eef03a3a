#include "services/complaints/adapters/redis_contact_event_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/complaints/adapters/redis_scripts.h"
#include "services/complaints/codec/contact_codec.h"
#include "sqms/runtime/trace_context.h"

namespace sqms::complaints::adapters {

RedisContactEventStore::RedisContactEventStore(runtime::RedisClient& redis, const RedisKeys& keys,
                                               std::string contact_topic,
                                               absl::Duration seen_ttl,
                                               std::function<void()> on_commit)
    : redis_(redis), keys_(keys), topic_(std::move(contact_topic)), seen_ttl_(seen_ttl),
      on_commit_(std::move(on_commit)) {}

absl::StatusOr<bool> RedisContactEventStore::Append(const domain::ContactEvent& event) {
  const int shard = keys_.ShardOfSeed(event.contact_id);
  auto reply = redis_.Eval(
      scripts::AppendContactEvent(),
      {keys_.ContactSeen(shard, event.event_id), keys_.Outbox(shard)},
      {std::to_string(absl::ToInt64Milliseconds(seen_ttl_)), topic_, event.contact_id,
       event.event_id, codec::ContactEventType(event.kind),
       std::to_string(absl::ToUnixMillis(event.occurred_at)), codec::EncodeContactEvent(event),
       runtime::CurrentTraceContext().Traceparent(), runtime::CurrentTraceContext().tracestate});
  if (!reply.ok()) return reply.status();
  if (reply->type != runtime::RedisReply::Type::kInteger) {
    return absl::InternalError(absl::StrCat("redis contact script: ", reply->str));
  }
  const bool appended = reply->integer == 1;
  if (appended && on_commit_) on_commit_();
  return appended;
}

}  // namespace sqms::complaints::adapters
