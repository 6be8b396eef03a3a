#include "services/complaints/adapters/redis_list_page.h"

#include <algorithm>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/complaints/adapters/list_page_token.h"
#include "services/complaints/adapters/redis_scripts.h"
#include "services/complaints/codec/complaint_codec.h"

namespace sqms::complaints::adapters {
namespace {

struct Match {
  PagePosition at;
  std::string record;
};

template <typename E>
std::string CsvSet(const std::vector<E>& values) {
  if (values.empty()) return "";
  std::string out = ",";
  for (E v : values) absl::StrAppend(&out, static_cast<int>(v), ",");
  return out;
}

int64_t CeilMillis(absl::Time t) {
  const int64_t floor = absl::ToUnixMillis(t);
  return absl::FromUnixMillis(floor) < t ? floor + 1 : floor;
}

// In received order the created range is the scan's score range; in due
// order the scores are due times, and the range is checked on each record.
std::vector<std::string> ShardArgs(const RedisKeys& keys, int shard, const ports::ListQuery& q,
                                   const std::optional<PagePosition>& cursor) {
  const bool by_due = q.order == ports::ListOrder::kNextDue;
  // Received times are whole milliseconds: a bound inside a millisecond
  // (created_after inclusive, created_before exclusive) is its next one.
  const std::string after = q.created_after ? std::to_string(CeilMillis(*q.created_after)) : "";
  const std::string before = q.created_before ? std::to_string(CeilMillis(*q.created_before)) : "";
  int64_t min_ms = !by_due && q.created_after ? CeilMillis(*q.created_after) : 0;
  std::string cursor_id;
  if (cursor && cursor->at >= min_ms) {
    min_ms = cursor->at;
    cursor_id = cursor->key;
  }
  return {keys.ComplaintPrefix(shard),
          std::to_string(min_ms),
          cursor_id,
          by_due ? "" : before,
          std::to_string(q.page_size),
          std::to_string(kListMaxScanPerShard),
          CsvSet(q.statuses),
          CsvSet(q.categories),
          CsvSet(q.priorities),
          q.department,
          q.channel == domain::Channel::kUnspecified ? "" : std::to_string(static_cast<int>(q.channel)),
          q.region,
          q.station,
          q.sla_breached_only ? "1" : "0",
          q.complainant_key,
          by_due ? after : "",
          by_due ? before : "",
          q.incident_id};
}

// The filters the list script does not index (assignee, at risk,
// escalated), checked on the decoded record: a page may then hold fewer
// than page_size complaints, its token continuing after the last examined.
bool MatchesUnindexed(const ports::ListQuery& q, const domain::Complaint& c) {
  if (!q.assignee.empty() && c.assignee != q.assignee) return false;
  if (q.escalated_only && c.escalation_level <= 0) return false;
  if (q.sla_at_risk_only && !c.sla.AnyAtRisk()) return false;
  return true;
}

}  // namespace

absl::StatusOr<ports::ListPage> ListAcrossShards(runtime::RedisClient& redis,
                                                 const RedisKeys& keys,
                                                 const ports::ListQuery& query) {
  auto cursor = DecodePageToken(query);
  if (!cursor.ok()) return cursor.status();

  std::vector<Match> matches;
  std::optional<PagePosition> bound;  // smallest position a shard stopped at early
  for (int shard = 0; shard < keys.shards(); ++shard) {
    const std::string index = query.order == ports::ListOrder::kNextDue ? keys.Due(shard)
                                                                        : keys.Received(shard);
    auto reply = redis.Eval(scripts::ListShard(), {index},
                            ShardArgs(keys, shard, query, *cursor));
    if (!reply.ok()) return reply.status();
    if (reply->type == runtime::RedisReply::Type::kError) {
      return runtime::RedisErrorStatus(*reply, "list script");
    }
    if (reply->elements.size() != 4) return absl::InternalError("list script: unexpected reply");
    const auto& found = reply->elements[0].elements;
    for (size_t i = 0; i + 2 < found.size(); i += 3) {
      Match m;
      m.at.key = found[i].str;
      double score = 0;
      if (!absl::SimpleAtod(found[i + 1].str, &score)) {
        return absl::InternalError(absl::StrCat("redis list script: bad score ", found[i + 1].str));
      }
      m.at.at = static_cast<int64_t>(score);
      m.record = found[i + 2].str;
      matches.push_back(std::move(m));
    }
    const bool exhausted = reply->elements[1].integer == 1;
    if (!exhausted) {
      double score = 0;
      if (!absl::SimpleAtod(reply->elements[2].str, &score)) {
        return absl::InternalError(
            absl::StrCat("redis list script: bad score ", reply->elements[2].str));
      }
      PagePosition stop{static_cast<int64_t>(score), reply->elements[3].str};
      if (!bound || stop < *bound) bound = stop;
    }
  }

  std::sort(matches.begin(), matches.end(),
            [](const Match& a, const Match& b) { return a.at < b.at; });
  ports::ListPage page;
  std::optional<PagePosition> last;
  size_t taken = 0;
  size_t examined = 0;
  for (const Match& m : matches) {
    if (static_cast<int>(taken) == query.page_size || (bound && !(m.at <= *bound))) break;
    auto complaint = codec::DecodeStored(m.record);
    if (!complaint.ok()) return complaint.status();
    ++examined;
    last = m.at;
    if (!MatchesUnindexed(query, *complaint)) continue;
    page.complaints.push_back(*std::move(complaint));
    ++taken;
  }
  // A full page continues after its last complaint; a page cut short by a
  // shard's scan limit continues where that shard stopped.
  if (static_cast<int>(taken) == query.page_size && (examined < matches.size() || bound)) {
    page.next_page_token = EncodePageToken(query, *last);
  } else if (bound) {
    page.next_page_token = EncodePageToken(query, *bound);
  }
  return page;
}

}  // namespace sqms::complaints::adapters
