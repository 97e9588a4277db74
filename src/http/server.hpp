#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "http/dispatcher.hpp"
#include "http/static_files.hpp"

namespace telehealth::http {

/// Limits on every read, so no client can hold memory or a connection
/// without bound.
struct ServerLimits {
  std::size_t body_bytes = 64 * 1024;
  /// An attachment upload: 5 MiB of file in base64 (4/3 larger) plus JSON.
  std::size_t attachment_body_bytes = 7 * 1024 * 1024;
  std::uint32_t header_bytes = 16 * 1024;
  std::size_t websocket_message_bytes = 64 * 1024;  // an SDP offer is a few KiB
  std::size_t max_connections = 2048;
  std::chrono::seconds handshake_timeout{10};
  std::chrono::seconds request_timeout{30};  // to read one whole request
  std::chrono::seconds keep_alive_timeout{75};
};

/// The HTTPS and WebSocket server. Connections run as coroutines on the I/O
/// threads. Route handlers block on PostgreSQL, so they run on `workers` and
/// the I/O threads never wait for the database.
class Server {
 public:
  Server(boost::asio::io_context& io, boost::asio::ssl::context& tls,
         boost::asio::ip::tcp::endpoint endpoint, const Dispatcher& dispatcher,
         const StaticFiles& files, Services& services, boost::asio::thread_pool& workers,
         ServerLimits limits = {});

  /// Binds and starts accepting; throws if the address cannot be bound.
  void start();
  boost::asio::ip::tcp::endpoint local_endpoint() const;

 private:
  class Connection;
  boost::asio::awaitable<void> accept_loop();

  boost::asio::io_context& io_;
  boost::asio::ssl::context& tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  const Dispatcher& dispatcher_;
  const StaticFiles& files_;
  Services& services_;
  boost::asio::thread_pool& workers_;
  ServerLimits limits_;
  std::atomic<std::size_t> open_connections_{0};
};

}  // namespace telehealth::http
