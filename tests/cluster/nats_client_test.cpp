// The NATS wrapper against a real three-server nats-server cluster: deduplication, replication
// through a crash, redelivery rules of pull consumers, KV leases, compare-and-set, listing and
// watchers.
#include "cluster/connection.hpp"
#include "cluster/jetstream.hpp"
#include "cluster/nats_error.hpp"
#include "tests/cluster/all_at_once.hpp"
#include "tests/cluster/until_answered.hpp"
#include "tests/support/nats_cluster.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <set>
#include <stdexcept>
#include <thread>

namespace newsalert::cluster {
namespace {

using namespace std::chrono_literals;
using testing::NatsCluster;

// libnats's process-wide threads and buffers go before the leak checker looks.
class NatsLibrary : public ::testing::Environment {
 public:
  void TearDown() override { close_nats_library(); }
};
[[maybe_unused]] auto* const nats_library = ::testing::AddGlobalTestEnvironment(new NatsLibrary);

ConnectOptions options_for(const std::vector<std::string>& servers) {
  ConnectOptions options;
  options.servers = servers;
  options.name = "nats-client-test";
  options.reconnect_wait = 200ms;
  return options;
}

StreamConfig replicated_stream(const std::string& name) {
  StreamConfig config;
  config.name = name;
  config.subjects = {name + ".>"};
  config.replicas = 3;
  return config;
}

void publish_numbered(JetStream& js, int from, int to) {
  for (int i = from; i < to; ++i) {
    until_answered([&] { return js.publish("KEEP.m", std::to_string(i), "m-" + std::to_string(i)); });
  }
}

ConsumerConfig consumer(const std::string& durable) {
  ConsumerConfig config;
  config.durable = durable;
  return config;
}

// How many times the next message fetched within 10 s has been delivered; 0 when none came.
std::uint64_t next_delivery_count(PullConsumer& worker) {
  const auto batch = worker.fetch(1, 10s);
  return batch.empty() ? 0 : batch[0].delivery_count();
}

class NatsClientTest : public ::testing::Test {
 protected:
  struct Job {
    PullConsumer worker;
    Message first;   // the job's first delivery
  };
  // A stream `name` with the consumer `config` on it, and one job published and fetched.
  Job deliver_job(const std::string& name, const ConsumerConfig& config) {
    until_answered([&] { return js_.ensure_stream(replicated_stream(name)); });
    auto worker = until_answered([&] { return js_.pull_consumer(name, config); });
    until_answered([&] { return js_.publish(name + ".job", "job", "job-1"); });
    auto batch = worker.fetch(1, 10s);
    if (batch.size() != 1) throw std::runtime_error("the job was not delivered");
    return Job{std::move(worker), std::move(batch[0])};
  }

  NatsCluster cluster_;
  Connection connection_{options_for(cluster_.urls())};
  JetStream js_{connection_};
};

TEST_F(NatsClientTest, SameMessageIdTwiceIsStoredOnceAndReportedAsDuplicate) {
  until_answered([&] { return js_.ensure_stream(replicated_stream("DEDUPE")); });
  const auto first = js_.publish("DEDUPE.story", "one", "story-1");
  const auto again = js_.publish("DEDUPE.story", "one", "story-1");
  const auto other = js_.publish("DEDUPE.story", "two", "story-2");
  EXPECT_FALSE(first.duplicate);
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.sequence, first.sequence);
  EXPECT_FALSE(other.duplicate);
  EXPECT_EQ(js_.stream_state("DEDUPE").messages, 2u);
}

TEST_F(NatsClientTest, ReplicatedStreamKeepsEveryAcknowledgedMessageWhenItsLeaderIsKilled) {
  const auto created = until_answered([&] { return js_.ensure_stream(replicated_stream("KEEP")); });
  EXPECT_EQ(created.replicas, 3);
  const int leader = cluster_.index_of(until_answered([&] { return js_.stream_state("KEEP"); }).leader);
  ASSERT_GE(leader, 0);
  // Given only the leader's URL, the client learns the others from it and must reconnect to one.
  Connection to_leader(options_for({cluster_.url(leader)}));
  JetStream js(to_leader);
  publish_numbered(js, 0, 50);

  cluster_.kill9(leader);
  publish_numbered(js, 50, 100);

  EXPECT_GE(to_leader.reconnects(), 1u);
  EXPECT_NE(to_leader.connected_url(), cluster_.url(leader));
  const auto state = until_answered([&] { return js.stream_state("KEEP"); });
  EXPECT_EQ(state.messages, 100u);
  EXPECT_NE(state.leader, cluster_.server_name(leader));
  auto reader = until_answered([&] { return js.pull_consumer("KEEP", consumer("reader")); });
  std::multiset<std::string> seen;
  // A consumer made during the failover may take a while to get a leader of its own.
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (seen.size() < 100 && std::chrono::steady_clock::now() < deadline) {
    for (auto& message : reader.fetch(100, 2s)) {
      seen.insert(std::string(message.data()));
      until_answered([&] { message.ack(); return true; });
    }
  }
  EXPECT_TRUE(reader.fetch(1, 1s).empty());
  ASSERT_EQ(seen.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(seen.count(std::to_string(i)), 1u) << i;
}

TEST_F(NatsClientTest, UnacknowledgedMessageComesBackAfterAckWaitUntilMaxDeliver) {
  until_answered([&] { return js_.ensure_stream(replicated_stream("REDO")); });
  auto config = consumer("worker");
  config.ack_wait = 1s;
  config.max_deliver = 3;
  auto worker = until_answered([&] { return js_.pull_consumer("REDO", config); });
  until_answered([&] { return js_.publish("REDO.job", "job", "job-1"); });

  for (std::uint64_t delivery = 1; delivery <= 3; ++delivery) {
    const auto batch = worker.fetch(1, 10s);
    ASSERT_EQ(batch.size(), 1u) << "delivery " << delivery;
    EXPECT_EQ(batch[0].data(), "job");
    EXPECT_EQ(batch[0].delivery_count(), delivery);
  }
  // Three ack waits with nothing: MaxDeliver has ended it.
  EXPECT_TRUE(worker.fetch(1, 3s).empty());
}

TEST_F(NatsClientTest, NakWithDelayRedeliversAfterTheDelayNotBefore) {
  auto job = deliver_job("LATER", consumer("worker"));
  const auto nak_time = std::chrono::steady_clock::now();
  job.first.nak_with_delay(2s);
  EXPECT_TRUE(job.worker.fetch(1, 1s).empty());
  EXPECT_EQ(next_delivery_count(job.worker), 2u);
  EXPECT_GE(std::chrono::steady_clock::now() - nak_time, 1900ms);
}

TEST_F(NatsClientTest, TermEndsRedeliveryBeforeMaxDeliver) {
  auto config = consumer("worker");
  config.ack_wait = 1s;
  auto job = deliver_job("TERM", config);
  job.first.term();
  EXPECT_TRUE(job.worker.fetch(1, 3s).empty());
}

TEST_F(NatsClientTest, InProgressStartsTheAckWaitAgain) {
  auto config = consumer("worker");
  config.ack_wait = 3s;
  auto job = deliver_job("BUSY", config);
  std::this_thread::sleep_for(1200ms);
  job.first.in_progress();
  // Without it the message would come back 3 s after the delivery, inside this wait.
  EXPECT_TRUE(job.worker.fetch(1, 2500ms).empty());
  EXPECT_EQ(next_delivery_count(job.worker), 2u);
}

TEST_F(NatsClientTest, PlainNakRedeliversAtOnceWhateverTheBackOff) {
  auto config = consumer("worker");
  config.ack_wait = 20s;
  config.backoff = {20s, 40s};
  config.max_deliver = 3;
  auto job = deliver_job("NAK", config);
  job.first.nak();
  const auto again = job.worker.fetch(1, 5s);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].delivery_count(), 2u);
}

TEST_F(NatsClientTest, BackOffNeedsMoreDeliveriesThanSteps) {
  until_answered([&] { return js_.ensure_stream(replicated_stream("STEPS")); });
  auto config = consumer("worker");
  config.backoff = {1s, 2s};
  config.max_deliver = 2;
  try {
    until_answered([&] { return js_.pull_consumer("STEPS", config); });
    FAIL() << "a BackOff as long as MaxDeliver was accepted";
  } catch (const NatsError& error) {
    EXPECT_STREQ(error.what(),
                 "NATS: cannot create consumer worker of stream STEPS: Error (max deliver is required to be > "
                 "length of backoff values) [JetStream 10116]");
  }
}

TEST_F(NatsClientTest, DelayedNakKeepsItsAckPendingSlot) {
  until_answered([&] { return js_.ensure_stream(replicated_stream("SLOT")); });
  auto config = consumer("worker");
  config.max_ack_pending = 1;
  auto worker = until_answered([&] { return js_.pull_consumer("SLOT", config); });
  until_answered([&] { return js_.publish("SLOT.job", "first", "job-1"); });
  until_answered([&] { return js_.publish("SLOT.job", "second", "job-2"); });
  auto first = worker.fetch(1, 10s);
  ASSERT_EQ(first.size(), 1u);
  first[0].nak_with_delay(3s);
  // The second message waits behind the delayed one's slot.
  EXPECT_TRUE(worker.fetch(1, 1500ms).empty());
  const auto later = worker.fetch(1, 10s);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].data(), "first");
}

KvConfig replicated_bucket(const std::string& name) {
  KvConfig config;
  config.bucket = name;
  config.replicas = 3;
  return config;
}

TEST_F(NatsClientTest, KvCreateTakesAKeyOnceThenReportsItExists) {
  auto leases = js_.key_value(replicated_bucket("leases"));
  const auto taken = leases.create("feed.1", "node-a");
  ASSERT_TRUE(taken.written());
  const auto refused = leases.create("feed.1", "node-b");
  EXPECT_EQ(refused.outcome, KvWrite::KeyExists);
  EXPECT_EQ(leases.get_from_leader("feed.1")->value, "node-a");
  EXPECT_EQ(leases.get_from_leader("feed.1")->revision, taken.revision);

  // A released (deleted) lease can be taken again.
  leases.erase("feed.1");
  EXPECT_FALSE(leases.get_from_leader("feed.1"));
  EXPECT_TRUE(leases.create("feed.1", "node-b").written());
  EXPECT_EQ(leases.get_from_leader("feed.1")->value, "node-b");
}

TEST_F(NatsClientTest, KvUpdateWithStaleRevisionIsRefusedAndWithCurrentOneWrites) {
  auto state = js_.key_value(replicated_bucket("state"));
  const auto first = state.put("feed.1", "etag-1");
  const auto second = state.update("feed.1", "etag-2", first);
  ASSERT_TRUE(second.written());
  EXPECT_GT(second.revision, first);
  EXPECT_EQ(state.update("feed.1", "etag-3", first).outcome, KvWrite::StaleRevision);
  const auto now = state.get_from_leader("feed.1");
  ASSERT_TRUE(now);
  EXPECT_EQ(now->value, "etag-2");
  EXPECT_EQ(now->revision, second.revision);
}

// How many of `writers`, each on its own connection and started together, had `write` written.
template <typename Write>
int concurrent_winners(std::vector<KvBucket>& writers, Write write) {
  std::atomic<int> winners{0};
  all_at_once(writers.size(), [&](std::size_t i) {
    if (write(writers[i], i).written()) ++winners;
  });
  return winners;
}

// nats-server 2.9.10 checks an expected last subject sequence above 0 only before proposing the
// write to the stream's replicas, so concurrent updates of one revision can all be written
// (nats-server issue 4320); a create (expected sequence 0) is checked where it is applied.
TEST_F(NatsClientTest, KvConcurrentCreatesHaveOneWinnerButConcurrentUpdatesOfOneRevisionCanHaveMore) {
  std::vector<std::unique_ptr<Connection>> connections;
  std::vector<std::unique_ptr<JetStream>> contexts;
  std::vector<KvBucket> writers;
  for (int i = 0; i < 4; ++i) {
    connections.push_back(std::make_unique<Connection>(options_for(cluster_.urls())));
    contexts.push_back(std::make_unique<JetStream>(*connections.back()));
    writers.push_back(until_answered([&] { return contexts.back()->key_value(replicated_bucket("race")); }));
  }
  int rounds_with_several_updates = 0;
  for (int round = 0; round < 40; ++round) {
    const std::string key = "key" + std::to_string(round);
    const int created = concurrent_winners(writers, [&](KvBucket& bucket, std::size_t i) {
      return bucket.create(key, "created by " + std::to_string(i));
    });
    EXPECT_EQ(created, 1) << "round " << round;
    const auto revision = writers[0].get_from_leader(key)->revision;
    const int updated = concurrent_winners(writers, [&](KvBucket& bucket, std::size_t i) {
      return bucket.update(key, "updated by " + std::to_string(i), revision);
    });
    if (updated > 1) ++rounds_with_several_updates;
  }
  // If this fails, the servers serialize updates now: docs/cluster.md and Membership can say so.
  EXPECT_GT(rounds_with_several_updates, 0);
}

TEST_F(NatsClientTest, KvWatcherSeesPutsAndDeletes) {
  auto members = js_.key_value(replicated_bucket("members"));
  members.put("node.a", "joined");
  auto watcher = members.watch_all();
  auto change = watcher.next(5s);
  ASSERT_TRUE(change);
  EXPECT_EQ(change->kind, KvChange::Kind::Put);
  EXPECT_EQ(change->key, "node.a");
  change = watcher.next(5s);
  ASSERT_TRUE(change);
  EXPECT_EQ(change->kind, KvChange::Kind::CaughtUp);

  members.put("node.b", "joined");
  members.erase("node.a");
  change = watcher.next(5s);
  ASSERT_TRUE(change);
  EXPECT_EQ(change->kind, KvChange::Kind::Put);
  EXPECT_EQ(change->key, "node.b");
  EXPECT_EQ(change->value, "joined");
  change = watcher.next(5s);
  ASSERT_TRUE(change);
  EXPECT_EQ(change->kind, KvChange::Kind::Delete);
  EXPECT_EQ(change->key, "node.a");
}

TEST_F(NatsClientTest, KvWatcherIsNotToldOfExpiries) {
  auto config = replicated_bucket("heartbeats");
  config.ttl = 1s;
  auto heartbeats = js_.key_value(config);
  auto watcher = heartbeats.watch_all();
  ASSERT_EQ(watcher.next(5s)->kind, KvChange::Kind::CaughtUp);
  heartbeats.put("node.a", "alive");
  ASSERT_EQ(watcher.next(5s)->kind, KvChange::Kind::Put);
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (heartbeats.get("node.a") && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(100ms);
  ASSERT_FALSE(heartbeats.get("node.a")) << "the value did not expire";
  EXPECT_FALSE(watcher.next(2s));
}

TEST_F(NatsClientTest, KvKeysAndEntriesAreThoseWithAValueAndNoneForAnEmptyBucket) {
  auto bucket = js_.key_value(replicated_bucket("listing"));
  EXPECT_EQ(bucket.keys(), std::vector<std::string>{});
  bucket.put("node-c", "3");
  bucket.put("node-a", "1");
  bucket.put("node-b", "2");
  bucket.put("node-a", "1 again");
  bucket.erase("node-b");
  EXPECT_EQ(bucket.keys(), (std::vector<std::string>{"node-a", "node-c"}));
  const auto entries = bucket.entries_from_leader();   // node-b's delete marker is not an entry
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries.at("node-a").value, "1 again");
  EXPECT_EQ(entries.at("node-c").value, "3");
  EXPECT_EQ(entries.at("node-a").revision, bucket.get_from_leader("node-a")->revision);
  bucket.erase("node-a");
  bucket.erase("node-c");
  EXPECT_EQ(bucket.keys(), std::vector<std::string>{});
  EXPECT_TRUE(bucket.entries_from_leader().empty());
}

TEST_F(NatsClientTest, KvKeyWithWildcardIsRefusedWithItsName) {
  auto bucket = js_.key_value(replicated_bucket("keys"));
  try {
    bucket.create("feed.*", "x");
    FAIL() << "a wildcard key was accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(), "NATS: invalid KV key \"feed.*\" (allowed: letters, digits, - _ / = and inner dots)");
  }
}

// The keys libnats accepts; it refuses an empty part between dots ("a..b") saying only "invalid key".
TEST(KvKey, ValidKeysAreTheOnesLibnatsAccepts) {
  for (const char* key : {"feed.1", "node-a", "a_b/c=d", "A9"}) EXPECT_TRUE(KvBucket::valid_key(key)) << key;
  for (const char* key : {"", ".a", "a.", "a..b", "a*", "a b", ">"}) EXPECT_FALSE(KvBucket::valid_key(key)) << key;
}

TEST(NatsConnection, NoServerToReachIsAnErrorNamingTheServers) {
  NatsCluster single(1);
  const std::string url = single.url(0);
  single.kill9(0);
  try {
    Connection connection(options_for({url}));
    FAIL() << "connected to a stopped server";
  } catch (const NatsError& error) {
    EXPECT_EQ(std::string(error.what()), "NATS: cannot connect to " + url + ": No server available for connection");
  }
}

}  // namespace
}  // namespace newsalert::cluster
