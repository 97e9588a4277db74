#include "db/pool.hpp"

#include "core/error.hpp"

namespace telehealth::db {

Pool::Lease::Lease(Pool& pool, std::unique_ptr<Connection> connection)
    : pool_(&pool), connection_(std::move(connection)) {}

Pool::Lease::~Lease() {
  if (connection_) pool_->release(std::move(connection_));
}

Pool::Pool(std::string dsn, std::size_t size, std::chrono::milliseconds wait)
    : dsn_(std::move(dsn)), size_(size), wait_(wait) {}

Pool::Lease Pool::acquire() {
  std::unique_lock lock(mutex_);
  const bool ready = available_.wait_for(lock, wait_, [this] {
    return !idle_.empty() || open_ < size_;
  });
  if (!ready) {
    throw core::Error(core::ErrorKind::unavailable, "the server is busy; try again shortly", {},
                      "connection pool exhausted");
  }
  if (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(connection));
  }
  ++open_;
  lock.unlock();
  try {
    return Lease(*this, std::make_unique<Connection>(dsn_));
  } catch (...) {
    std::lock_guard relock(mutex_);
    --open_;
    available_.notify_one();
    throw;
  }
}

void Pool::release(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  // A broken connection is dropped; the next acquire opens a fresh one.
  if (connection->healthy()) {
    idle_.push_back(std::move(connection));
  } else {
    --open_;
  }
  available_.notify_one();
}

}  // namespace telehealth::db
