// The relay in this process: the fencing of a stale owner's writes, dead
// letters, and recreation of the producer after a fatal error.

#include <atomic>

#include "absl/strings/match.h"
#include "sqms/runtime/outbox_lease.h"
#include "sqms/runtime/outbox_relay.h"
#include "tests/integration/runtime_relay/relay_fixture.h"

namespace sqms::runtime {
namespace {

class CountingStats : public OutboxRelayStats {
 public:
  void Delivered(int64_t n) override { delivered += n; }
  void DeliveryFailed(int64_t n) override { failed += n; }
  void DeadLettered(int64_t n) override { dead_lettered += n; }
  void ProducerRecreated() override { ++recreated; }
  void Backlog(int64_t, double) override {}
  std::atomic<int64_t> delivered{0}, failed{0}, dead_lettered{0}, recreated{0};
};

TEST_F(RelayTest, AStaleOwnersDeleteIsRefusedAfterATakeover) {
  Append(0, 3);
  auto ids = redis_->Command({"XRANGE", Keys(0).stream, "-", "+"});
  ASSERT_TRUE(ids.ok());
  std::vector<std::string> entry_ids;
  for (const auto& e : ids->elements) entry_ids.push_back(e.elements[0].str);

  // 2 s: long enough that b's refusal and a's renewal below come before it
  // expires even with Redis fsyncing every write beside a build; short
  // enough to await its expiry.
  OutboxLease a(*redis_, UniqueOwnerId("a"), std::chrono::milliseconds(2000));
  OutboxLease b(*redis_, UniqueOwnerId("b"), std::chrono::milliseconds(10000));
  auto grant_a = a.Acquire(Keys(0));
  ASSERT_TRUE(grant_a.ok() && grant_a->held);
  auto refused = b.Acquire(Keys(0));
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE(refused->held);
  // Renewing keeps the token.
  auto renewed = a.Acquire(Keys(0));
  ASSERT_TRUE(renewed.ok() && renewed->held);
  EXPECT_EQ(renewed->token, grant_a->token);

  // a stalls past its TTL; b takes the shard with a larger token.
  ASSERT_TRUE(testing::Await([&] { return LeaseValue().empty(); }, absl::Seconds(10)));
  auto grant_b = b.Acquire(Keys(0));
  ASSERT_TRUE(grant_b.ok() && grant_b->held);
  EXPECT_GT(grant_b->token, grant_a->token);

  // a's confirmation write (its token) is refused, and deletes nothing.
  auto stale = a.Delete(Keys(0), grant_a->token, {entry_ids[0]});
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kFailedPrecondition) << stale.status();
  EXPECT_EQ(StreamLength(), 3);
  // Neither can a, nor b with a's token, forge its way in.
  EXPECT_FALSE(b.Delete(Keys(0), grant_a->token, {entry_ids[0]}).ok());
  auto again = a.Acquire(Keys(0));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->held);
  // The holder's writes go through.
  auto deleted = b.Delete(Keys(0), grant_b->token, entry_ids);
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, 3);
  EXPECT_EQ(StreamLength(), 0);
}

class InProcessRelayTest : public RelayTest {
 protected:
  std::unique_ptr<OutboxRelay> StartRelay(
      std::map<std::string, std::string> properties = {},
      std::chrono::milliseconds lease_ttl = std::chrono::milliseconds(2000)) {
    KafkaProducerOptions options;
    options.brokers = kafka_->bootstrap();
    options.properties = std::move(properties);
    OutboxRelayOptions relay_options;
    relay_options.shards = 1;
    relay_options.shard_keys = [](int) { return Keys(0); };
    relay_options.source = "//sqms/relay-test";
    relay_options.dead_letter_topic = kDeadLetters;
    relay_options.dead_letter_max_payload = 1000;
    relay_options.lease_ttl = lease_ttl;
    relay_options.retry_backoff = std::chrono::milliseconds(50);
    auto relay = OutboxRelay::Create(
        *redis_,
        [this, options]() -> absl::StatusOr<std::unique_ptr<KafkaProducer>> {
          auto made = KafkaProducer::Create(options);
          if (made.ok()) latest_producer_ = made->get();
          return made;
        },
        stats_, std::move(relay_options));
    EXPECT_TRUE(relay.ok()) << relay.status();
    if (!relay.ok()) return nullptr;
    (*relay)->Start();
    return *std::move(relay);
  }

  CountingStats stats_;
  std::atomic<KafkaProducer*> latest_producer_{nullptr};  // set on the relay thread
};

TEST_F(InProcessRelayTest, AnOversizedEntryGoesToTheDeadLetterTopicWithoutBlockingTheOthers) {
  auto relay = StartRelay({{"message.max.bytes", "20000"}});
  ASSERT_NE(relay, nullptr);
  Append(0, 10);
  auto big = redis_->Command({"XADD", Keys(0).stream, "*", "topic", kTopic, "key", "k0", "id",
                              "big", "type", "sqms.test.v1.counted", "time", "1700000000000",
                              "payload", std::string(50000, 'x')});
  ASSERT_TRUE(big.ok());
  Append(10, 20);

  testing::TopicReader reader(kafka_->bootstrap(), kTopic);
  const auto delivered = ReadAll(reader, 0, 20);
  EXPECT_TRUE(Missing(delivered, 0, 20).empty());
  for (const auto& r : delivered) EXPECT_NE(r.Header("ce_id"), "big");

  testing::TopicReader dead(kafka_->bootstrap(), kDeadLetters);
  const auto letters = dead.ReadAtLeast(1, absl::Seconds(30));
  ASSERT_EQ(letters.size(), 1u);
  const ConsumedRecord& letter = letters[0];
  EXPECT_EQ(letter.key, "k0");
  EXPECT_EQ(letter.Header("ce_id"), "big");
  EXPECT_EQ(letter.Header("x-sqms-topic"), kTopic);
  EXPECT_EQ(letter.Header("x-sqms-key"), "k0");
  EXPECT_EQ(letter.Header("x-sqms-outbox-entry"), big->str);
  EXPECT_EQ(letter.Header("x-sqms-payload-size"), "50000");
  EXPECT_TRUE(absl::StrContains(letter.Header("x-sqms-error").value_or(""), "too large"))
      << letter.Header("x-sqms-error").value_or("(none)");
  EXPECT_EQ(letter.value, std::string(1000, 'x'));
  ASSERT_TRUE(testing::Await([&] { return StreamLength() == 0; }, absl::Seconds(20)));
  EXPECT_EQ(stats_.dead_lettered.load(), 1);
  EXPECT_GE(stats_.delivered.load(), 20);
  relay->Stop(std::chrono::seconds(2));
}

// Kafka confirms entries while Redis is down, so their delete fails. The
// lease (60 s) outlives the outage: no takeover and no rewind would ever
// send them again. Once Redis is back the relay deletes them.
TEST_F(InProcessRelayTest, ADeleteThatFailedWhileRedisWasDownIsRetriedOnceItIsBack) {
  auto relay = StartRelay({}, std::chrono::seconds(60));
  ASSERT_NE(relay, nullptr);
  Append(0, 5);  // the lease taken and the producer connected
  ASSERT_TRUE(testing::Await([&] { return StreamLength() == 0; }, absl::Seconds(20)));
  ASSERT_TRUE(kafka_->AllBrokersDown().ok());
  Append(5, 15);
  KafkaProducer* producer = latest_producer_.load();
  ASSERT_NE(producer, nullptr);
  ASSERT_TRUE(testing::Await([&] { return producer->OutstandingCount() == 10; }, absl::Seconds(10)))
      << "the relay hands the entries to the producer, which holds them";
  redis_server_->Stop();
  ASSERT_TRUE(kafka_->AllBrokersUp().ok());
  // Counted in the same step as the delete that fails.
  ASSERT_TRUE(testing::Await([&] { return stats_.delivered.load() >= 15; }, absl::Seconds(30)));

  ASSERT_TRUE(redis_server_->Restart().ok());
  EXPECT_TRUE(testing::Await([&] { return StreamLength() == 0; }, absl::Seconds(10)))
      << StreamLength() << " delivered entries left in the stream";
  EXPECT_EQ(stats_.failed.load(), 0) << "nothing was sent again";
  relay->Stop(std::chrono::seconds(2));
}

TEST_F(InProcessRelayTest, AFatalProducerErrorRecreatesTheProducerAndResends) {
  auto relay = StartRelay();
  ASSERT_NE(relay, nullptr);
  Append(0, 20);
  testing::TopicReader reader(kafka_->bootstrap(), kTopic);
  EXPECT_TRUE(Missing(ReadAll(reader, 0, 20), 0, 20).empty());
  ASSERT_TRUE(testing::Await([&] { return StreamLength() == 0; }, absl::Seconds(20)));

  KafkaProducer* first = latest_producer_.load();
  ASSERT_NE(first, nullptr);
  first->RaiseFatalErrorForTesting();
  Append(20, 60);
  EXPECT_TRUE(Missing(ReadAll(reader, 20, 60), 20, 60).empty());
  ASSERT_TRUE(testing::Await([&] { return StreamLength() == 0; }, absl::Seconds(20)));
  EXPECT_EQ(stats_.recreated.load(), 1);
  relay->Stop(std::chrono::seconds(2));
}

}  // namespace
}  // namespace sqms::runtime
