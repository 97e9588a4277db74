#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "db/connection.hpp"

namespace telehealth::db {

/// A bounded pool of connections. `acquire` waits up to `wait` for a free
/// connection and throws unavailable (503) after that, so a stalled database
/// turns into quick errors instead of a growing queue of requests.
class Pool {
 public:
  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<Connection> connection);
    ~Lease();
    Lease(Lease&&) noexcept = default;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    Connection& operator*() { return *connection_; }
    Connection* operator->() { return connection_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  Pool(std::string dsn, std::size_t size,
       std::chrono::milliseconds wait = std::chrono::seconds(5));

  Lease acquire();

 private:
  void release(std::unique_ptr<Connection> connection);

  std::string dsn_;
  std::size_t size_;
  std::chrono::milliseconds wait_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;  // connections created and not yet destroyed
};

}  // namespace telehealth::db
