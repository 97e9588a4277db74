#include "audit/writer.hpp"

#include <algorithm>
#include <chrono>

#include "audit/detail/rows.hpp"
#include "core/log.hpp"
#include "db/sqlstate.hpp"
#include "db/transaction.hpp"

namespace telehealth::audit {

namespace {

// 18 parameters per row; PostgreSQL accepts at most 65535 per statement.
constexpr std::size_t kMaxBatchLimit = 2048;

constexpr auto kIdleTick = std::chrono::seconds(1);

}  // namespace

void Ticket::on_done(Callback callback) {
  std::unique_lock lock(mutex_);
  if (!durable_) {
    callbacks_.push_back(std::move(callback));
    return;
  }
  const bool durable = *durable_;
  lock.unlock();
  callback(durable);
}

bool Ticket::wait() {
  std::unique_lock lock(mutex_);
  done_.wait(lock, [this] { return durable_.has_value(); });
  return *durable_;
}

void Ticket::complete(bool durable) {
  std::vector<Callback> callbacks;
  {
    const std::lock_guard lock(mutex_);
    durable_ = durable;
    callbacks.swap(callbacks_);
  }
  done_.notify_all();
  for (auto& callback : callbacks) callback(durable);
}

Writer::Writer(WriterOptions options, const core::Clock& clock)
    : options_(std::move(options)), clock_(clock), thread_([this] { run(); }) {}

Writer::~Writer() { stop(); }

void Writer::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<Ticket> Writer::submit(const Event& event, core::Seconds occurred_at) {
  std::shared_ptr<Ticket> ticket;
  {
    const std::lock_guard lock(mutex_);
    if (!stopping_) {
      open_.events.emplace_back(event, occurred_at);
      ticket = open_.ticket;
      if (open_.events.size() >= std::min(options_.max_batch, kMaxBatchLimit)) {
        full_.push_back(std::move(open_));
        open_ = Batch{};
      }
    }
  }
  if (ticket) {
    wake_.notify_one();
    return ticket;
  }
  ticket = std::make_shared<Ticket>();
  ticket->complete(false);  // shutting down: nothing more is written
  return ticket;
}

void Writer::run() {
  for (;;) {
    Batch batch;
    {
      std::unique_lock lock(mutex_);
      const bool woken = wake_.wait_for(lock, kIdleTick, [this] {
        return stopping_ || !full_.empty() || !open_.events.empty();
      });
      if (!full_.empty()) {
        batch = std::move(full_.front());
        full_.pop_front();
      } else if (!open_.events.empty()) {
        batch = std::move(open_);
        open_ = Batch{};
      } else if (stopping_) {
        return;
      } else if (!woken) {
        lock.unlock();
        idle();
        continue;
      } else {
        continue;
      }
    }
    batch.ticket->complete(write(batch));
  }
}

// One transaction: the chain's lock, its head, every event of the batch
// linked in arrival order, and one commit. Returns false, and drops the
// connection, if any step fails; the next batch reconnects.
bool Writer::write(const Batch& batch) {
  std::int64_t chain_size = 0;
  try {
    auto& db = connection();
    {
      db::Transaction tx(db);
      auto head = detail::lock_head(tx, options_.chain);
      std::vector<StoredEvent> rows;
      rows.reserve(batch.events.size());
      for (const auto& [event, occurred_at] : batch.events) {
        rows.push_back(detail::link(head, options_.chain, event, occurred_at));
      }
      detail::insert(tx, rows);
      tx.commit();
      chain_size = head.seq;
    }
  } catch (const std::exception& error) {
    const auto* sql = dynamic_cast<const db::SqlError*>(&error);
    // The SQLSTATE only: a message may quote the failing row.
    core::log(core::LogLevel::error, "audit", "batch failed",
              {{"chain", options_.chain},
               {"events", batch.events.size()},
               {"sqlstate", sql ? sql->sqlstate() : "connection"}});
    connection_.reset();
    return false;
  }
  if (listener_ != nullptr) {
    try {
      listener_->on_commit(*connection_, chain_size, clock_.now());
    } catch (const std::exception&) {
      // The batch is durable; a listener's failure must not fail it. The
      // listener logs its own errors.
      connection_.reset();
    }
  }
  return true;
}

db::Connection& Writer::connection() {
  if (!connection_) connection_ = std::make_unique<db::Connection>(options_.database_url);
  return *connection_;
}

void Writer::idle() {
  if (listener_ == nullptr) return;
  try {
    listener_->on_idle(connection(), clock_.now());
  } catch (const std::exception&) {
    connection_.reset();
  }
}

}  // namespace telehealth::audit
