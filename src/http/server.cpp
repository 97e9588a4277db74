#include "http/server.hpp"

#include <algorithm>

#include "audit/chain.hpp"
#include "core/log.hpp"
#include "http/detail/beast.hpp"
#include "http/detail/convert.hpp"
#include "http/detail/messages_live.hpp"
#include "http/detail/signaling.hpp"

namespace telehealth::http {

using namespace detail;

namespace {

Response simple_error(core::ErrorKind kind, const std::string& message) {
  const std::string request_id = new_request_id();
  Response response = error_response(core::Error(kind, message), request_id);
  response.headers.emplace_back("X-Request-Id", request_id);
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

// Runs on the worker pool. A plain function, not a lambda: g++ 12 mishandles
// lambda coroutines whose captures are values (the closure is destroyed twice),
// while function parameters are safely copied into the coroutine frame.
asio::awaitable<Response> dispatch_on_worker(const Dispatcher* dispatcher,
                                             IncomingRequest incoming) {
  co_return dispatcher->handle(incoming);
}

// Resumes the calling coroutine, on its own executor, once `ticket`'s batch
// is settled: true when it is durable. Waiting here rather than on a worker
// keeps the workers free for other requests while the batch commits.
asio::awaitable<bool> wait_durable(std::shared_ptr<audit::Ticket> ticket) {
  auto executor = co_await asio::this_coro::executor;
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(bool)>(
      [](auto handler, std::shared_ptr<audit::Ticket> waited, asio::any_io_executor where) {
        // Ticket callbacks must be copyable; the coroutine's handler is not.
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        waited->on_done([shared, where](bool durable) {
          asio::post(where, [shared, durable]() mutable { std::move(*shared)(durable); });
        });
      },
      asio::use_awaitable, std::move(ticket), executor);
}

std::string request_id_of(const Response& response) {
  for (const auto& [name, value] : response.headers) {
    if (name == "X-Request-Id") return value;
  }
  return new_request_id();
}

// Holds `response` until its audit events are durable. If one cannot be
// written, the client gets 503 and none of what was read (fail closed).
asio::awaitable<Response> after_audit(Response response) {
  for (const auto& ticket : response.audit_tickets) {
    if (co_await wait_durable(ticket)) continue;
    const std::string request_id = request_id_of(response);
    core::log(core::LogLevel::error, "http", "response withheld: audit batch failed",
              {{"request_id", request_id}});
    Response failed =
        error_response(audit::unavailable_error("audit batch failed"), request_id);
    failed.headers.emplace_back("X-Request-Id", request_id);
    failed.headers.emplace_back("Cache-Control", "no-store");
    co_return failed;
  }
  co_return response;
}

}  // namespace

/// One accepted TLS connection: reads requests one at a time, hands each to
/// the dispatcher on the worker pool, and writes the response.
class Server::Connection {
 public:
  Connection(Server& server, tcp::socket socket)
      : server_(server), stream_(std::move(socket), server.tls_) {
    beast::error_code ec;
    const auto remote = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    // TODO: behind a reverse proxy this is the proxy's address; trust
    // X-Forwarded-For only from a configured proxy.
    client_ip_ = ec ? "unknown" : remote.address().to_string();
  }

  asio::any_io_executor executor() { return stream_.get_executor(); }

  asio::awaitable<void> run() {
    beast::error_code ec;
    auto& socket = beast::get_lowest_layer(stream_);
    socket.expires_after(server_.limits_.handshake_timeout);
    co_await stream_.async_handshake(asio::ssl::stream_base::server,
                                     asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;

    beast::flat_buffer buffer;
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(server_.limits_.header_bytes);
      socket.expires_after(server_.limits_.request_timeout);
      // The header first, so that an attachment upload may get a larger body
      // limit than every other request. Beast checks a Content-Length against
      // the limit while it parses the header, so the larger limit applies
      // until the target is known, and the smaller one is checked here after.
      parser.body_limit(std::max(server_.limits_.body_bytes,
                                 server_.limits_.attachment_body_bytes));
      co_await bhttp::async_read_header(stream_, buffer, parser,
                                        asio::redirect_error(asio::use_awaitable, ec));
      const bool upload =
          !ec && is_attachment_upload(std::string(parser.get().method_string()),
                                      std::string(parser.get().target().substr(
                                          0, parser.get().target().find('?'))));
      if (!ec && !upload) {
        parser.body_limit(server_.limits_.body_bytes);  // for chunked bodies
        const auto length = parser.content_length();
        if (length && *length > server_.limits_.body_bytes) ec = bhttp::error::body_limit;
      }
      if (!ec) {
        co_await bhttp::async_read(stream_, buffer, parser,
                                   asio::redirect_error(asio::use_awaitable, ec));
      }
      if (ec == bhttp::error::body_limit) {
        co_await write(simple_error(core::ErrorKind::too_large,
                                    upload ? "the request body is over 7 MiB; attach a file of "
                                             "at most 5 MiB"
                                           : "the request body is over 64 KiB; send a smaller body"),
                       11, false);
        break;
      }
      if (ec) break;  // end of stream, timeout, or a malformed request line

      BeastRequest request = parser.release();
      const std::string path(request.target().substr(0, request.target().find('?')));
      std::string appointment_id;
      if (websocket::is_upgrade(request) && is_signaling_path(path, appointment_id)) {
        socket.expires_never();
        IncomingRequest incoming = to_incoming(request, client_ip_);
        co_await run_signaling(std::move(stream_), std::move(request), std::move(incoming),
                               server_.dispatcher_,
                               server_.services_, server_.workers_, server_.limits_);
        co_return;
      }

      if (websocket::is_upgrade(request) && is_messages_live_path(path)) {
        socket.expires_never();
        IncomingRequest incoming = to_incoming(request, client_ip_);
        co_await run_messages_live(std::move(stream_), std::move(request), std::move(incoming),
                                   server_.dispatcher_, server_.services_, server_.workers_,
                                   server_.limits_);
        co_return;
      }

      const bool keep_alive = request.keep_alive();
      const Response response = co_await respond(request, path);
      co_await write(response, request.version(), keep_alive);
      if (!keep_alive) break;
      socket.expires_after(server_.limits_.keep_alive_timeout);
    }
    socket.expires_after(std::chrono::seconds(5));
    co_await stream_.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
  }

 private:
  asio::awaitable<Response> respond(const BeastRequest& request, const std::string& path) {
    if (path.rfind("/api/", 0) == 0) {
      Response response = co_await asio::co_spawn(
          server_.workers_,
          dispatch_on_worker(&server_.dispatcher_, to_incoming(request, client_ip_)),
          asio::use_awaitable);
      co_return co_await after_audit(std::move(response));
    }
    if (request.method() == bhttp::verb::get) {
      if (auto file = server_.files_.serve(path)) co_return std::move(*file);
    }
    co_return simple_error(core::ErrorKind::not_found, "not found");
  }

  asio::awaitable<void> write(const Response& response, unsigned version, bool keep_alive) {
    beast::error_code ec;
    auto out = to_beast(response, version, keep_alive);
    beast::get_lowest_layer(stream_).expires_after(server_.limits_.request_timeout);
    co_await bhttp::async_write(stream_, out, asio::redirect_error(asio::use_awaitable, ec));
  }

  Server& server_;
  TlsStream stream_;
  std::string client_ip_;
};

Server::Server(asio::io_context& io, asio::ssl::context& tls, tcp::endpoint endpoint,
               const Dispatcher& dispatcher, const StaticFiles& files, Services& services,
               asio::thread_pool& workers, ServerLimits limits)
    : io_(io),
      tls_(tls),
      acceptor_(io, endpoint),
      dispatcher_(dispatcher),
      files_(files),
      services_(services),
      workers_(workers),
      limits_(limits) {}

tcp::endpoint Server::local_endpoint() const { return acceptor_.local_endpoint(); }

void Server::start() { asio::co_spawn(io_, accept_loop(), asio::detached); }

asio::awaitable<void> Server::accept_loop() {
  for (;;) {
    beast::error_code ec;
    tcp::socket socket = co_await acceptor_.async_accept(
        asio::make_strand(io_), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      core::log(core::LogLevel::warn, "http", "accept failed", {{"error", ec.message()}});
      continue;
    }
    if (open_connections_.load() >= limits_.max_connections) continue;  // drops it
    ++open_connections_;
    auto connection = std::make_shared<Connection>(*this, std::move(socket));
    asio::co_spawn(connection->executor(), connection->run(),
                   [this, connection](std::exception_ptr) { --open_connections_; });
  }
}

}  // namespace telehealth::http
