#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "audit/event.hpp"
#include "core/time.hpp"
#include "db/connection.hpp"

namespace telehealth::audit {

/// The outcome of one batch, shared by every event in it. A request keeps its
/// event's ticket and may respond only after the batch is durable. If the
/// batch fails, the request must fail with 503.
class Ticket {
 public:
  using Callback = std::function<void(bool durable)>;

  /// Runs `callback` once the batch has committed or failed: at once, on
  /// this thread, if it already has; otherwise on the writer's thread.
  void on_done(Callback callback);
  /// Blocks until the batch has committed (true) or failed (false).
  bool wait();
  /// Marks the batch done and runs the waiting callbacks. Called once.
  void complete(bool durable);

 private:
  std::mutex mutex_;
  std::condition_variable done_;
  std::optional<bool> durable_;
  std::vector<Callback> callbacks_;
};

/// Told about the chain's growth, on the writer's thread and with its
/// connection, so that work such as signed checkpoints needs no thread or
/// connection of its own.
class CommitListener {
 public:
  virtual ~CommitListener() = default;
  /// After a batch committed; `chain_size` is the chain's last seq.
  virtual void on_commit(db::Connection& connection, std::int64_t chain_size,
                         core::Seconds now) = 0;
  /// About once a second while no events arrive.
  virtual void on_idle(db::Connection& connection, core::Seconds now) = 0;
};

struct WriterOptions {
  std::string database_url;  // libpq DSN of the application role
  std::string chain;         // the chain this instance owns (audit.chain)
  std::size_t max_batch = 512;
};

/// Group commit: one thread and one database connection per instance append
/// the audit events of concurrent requests to the instance's chain in
/// batches, one durable commit per batch. Events arriving while a batch
/// commits form the next one, so the batch size follows the load without a
/// timer. Each batch takes the chain's advisory lock, so events appended
/// meanwhile by write transactions (audit::append) keep one strict order.
class Writer {
 public:
  Writer(WriterOptions options, const core::Clock& clock);
  /// Calls stop().
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  /// Queues `event`, which happened at `occurred_at`, and returns without a
  /// database round trip. The ticket completes when the event's batch is
  /// durable.
  std::shared_ptr<Ticket> submit(const Event& event, core::Seconds occurred_at);

  /// Writes what is queued, runs its tickets' callbacks, then stops the
  /// thread; later submits fail at once. Call it while whatever those
  /// callbacks post to (the server's io_context) still exists.
  void stop();

  /// Not owned. May be set at any time; the writer's thread reads it before
  /// each batch and each idle tick.
  void set_listener(CommitListener* listener) { listener_.store(listener); }

 private:
  struct Batch {
    std::vector<std::pair<Event, core::Seconds>> events;
    std::shared_ptr<Ticket> ticket = std::make_shared<Ticket>();
  };

  void run();
  bool write(const Batch& batch);
  db::Connection& connection();
  void idle();

  const WriterOptions options_;
  const core::Clock& clock_;
  std::atomic<CommitListener*> listener_{nullptr};
  std::unique_ptr<db::Connection> connection_;  // writer thread only; reopened after a failure

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Batch> full_;  // batches that reached max_batch, oldest first
  Batch open_;              // the batch new events join
  bool stopping_ = false;
  std::thread thread_;      // last member: starts after the others exist
};

}  // namespace telehealth::audit
