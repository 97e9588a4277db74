// The group-commit writer against a real database: every event lands in one
// strictly ordered chain, concurrent events share commits, events appended by
// write transactions interleave correctly, and a failed batch fails its
// tickets without stopping later batches.

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "audit/chain.hpp"
#include "audit/writer.hpp"
#include "db/transaction.hpp"
#include "support/pg_fixture.hpp"

namespace telehealth::audit {
namespace {

const core::Seconds kNow = core::parse_rfc3339("2031-05-06T09:00:00Z").value();

class FixedClock final : public core::Clock {
 public:
  core::Seconds now() const override { return kNow; }
};

Event read_event(int n) {
  Event event;
  event.event_type = "records.read";
  event.actor_id = "6f1c1a52-58a4-4d43-9a7a-0d6a7f9b1c11";
  event.actor_role = "clinician";
  event.record_type = "records";
  event.client_ip = "127.0.0.1";
  event.user_agent = "writer test";
  event.request_id = "request-" + std::to_string(n);
  return event;
}

class WriterTest : public test::PgTest {
 protected:
  WriterOptions options(std::size_t max_batch = 512) {
    return {database().app_dsn(), "main", max_batch};
  }
  std::int64_t count(const std::string& where = "true") {
    return app().exec("SELECT count(*) FROM audit_events WHERE " + where).integer(0, 0);
  }
  FixedClock clock_;
};

// Recording listener: the chain sizes the writer reports after each commit.
class SizeLog final : public CommitListener {
 public:
  void on_commit(db::Connection&, std::int64_t chain_size, core::Seconds) override {
    sizes.push_back(chain_size);
  }
  void on_idle(db::Connection&, core::Seconds) override {}
  std::vector<std::int64_t> sizes;
};

TEST_F(WriterTest, ConcurrentEventsAreDurableChainedAndShareCommits) {
  if (IsSkipped()) return;
  constexpr int kThreads = 16;
  constexpr int kEach = 25;
  std::atomic<int> durable{0};
  {
    Writer writer(options(), clock_);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          if (writer.submit(read_event(t * kEach + i), kNow)->wait()) ++durable;
        }
      });
    }
    for (auto& thread : threads) thread.join();
  }
  EXPECT_EQ(durable.load(), kThreads * kEach);
  EXPECT_EQ(count(), kThreads * kEach);
  const auto report = verify(app());
  EXPECT_FALSE(report.first_bad_seq) << report.problem;
  EXPECT_EQ(report.events_checked, kThreads * kEach);
  // Rows of one batch share the transaction id that wrote them. Sixteen
  // threads waiting at once must have been batched into far fewer commits.
  const auto commits = app().exec("SELECT count(DISTINCT xmin::text) FROM audit_events").integer(0, 0);
  EXPECT_LT(commits, kThreads * kEach / 2);
}

TEST_F(WriterTest, BatchesNeverExceedTheLimit) {
  if (IsSkipped()) return;
  SizeLog sizes;
  std::vector<std::shared_ptr<Ticket>> tickets;
  {
    Writer writer(options(3), clock_);
    writer.set_listener(&sizes);
    for (int i = 0; i < 10; ++i) tickets.push_back(writer.submit(read_event(i), kNow));
    for (const auto& ticket : tickets) EXPECT_TRUE(ticket->wait());
  }
  const auto largest = app().exec(
      "SELECT max(n) FROM (SELECT count(*) AS n FROM audit_events GROUP BY xmin::text) b");
  EXPECT_LE(largest.integer(0, 0), 3);
  ASSERT_FALSE(sizes.sizes.empty());
  EXPECT_EQ(sizes.sizes.back(), 10);
  EXPECT_TRUE(std::is_sorted(sizes.sizes.begin(), sizes.sizes.end()));
}

TEST_F(WriterTest, InterleavesWithEventsAppendedByWriteTransactions) {
  if (IsSkipped()) return;
  {
    Writer writer(options(), clock_);
    std::thread writes([&] {
      db::Connection connection(database().app_dsn());
      for (int i = 0; i < 40; ++i) {
        db::Transaction tx(connection);
        append(tx, read_event(1000 + i), kNow);
        tx.commit();
      }
    });
    std::vector<std::shared_ptr<Ticket>> tickets;
    for (int i = 0; i < 40; ++i) tickets.push_back(writer.submit(read_event(i), kNow));
    writes.join();
    for (const auto& ticket : tickets) EXPECT_TRUE(ticket->wait());
  }
  const auto report = verify(app());
  EXPECT_FALSE(report.first_bad_seq) << report.problem;
  EXPECT_EQ(report.events_checked, 80);
}

TEST_F(WriterTest, FailedBatchThenRecovery) {
  if (IsSkipped()) return;
  Writer writer(options(), clock_);
  database().exec_as_superuser("REVOKE INSERT ON audit_events FROM telehealth_app");
  EXPECT_FALSE(writer.submit(read_event(1), kNow)->wait());
  EXPECT_EQ(count(), 0);

  database().exec_as_superuser("GRANT INSERT ON audit_events TO telehealth_app");
  EXPECT_TRUE(writer.submit(read_event(2), kNow)->wait());
  EXPECT_EQ(count("request_id = 'request-2'"), 1);
  EXPECT_EQ(count(), 1);
}

TEST_F(WriterTest, SubmitAfterStopFailsAtOnce) {
  if (IsSkipped()) return;
  Writer writer(options(), clock_);
  writer.stop();
  EXPECT_FALSE(writer.submit(read_event(1), kNow)->wait());
  EXPECT_EQ(count(), 0);
}

TEST_F(WriterTest, CallbackRunsOnceWithTheOutcome) {
  if (IsSkipped()) return;
  Writer writer(options(), clock_);
  auto ticket = writer.submit(read_event(1), kNow);
  std::atomic<int> calls{0};
  std::atomic<bool> outcome{false};
  ticket->on_done([&](bool durable) {
    outcome = durable;
    ++calls;
  });
  ticket->wait();
  writer.stop();  // the callback ran before wait returned or on this thread
  // A callback added after completion runs at once, on this thread.
  ticket->on_done([&](bool durable) { calls += durable ? 10 : 100; });
  EXPECT_EQ(calls.load(), 11);
  EXPECT_TRUE(outcome.load());
}

}  // namespace
}  // namespace telehealth::audit
