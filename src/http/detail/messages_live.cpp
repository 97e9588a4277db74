#include "http/detail/messages_live.hpp"

#include <deque>

#include <nlohmann/json.hpp>

#include "audit/chain.hpp"
#include "audit/writer.hpp"
#include "core/log.hpp"
#include "db/transaction.hpp"
#include "http/detail/convert.hpp"
#include "http/router.hpp"
#include "identity/actor_event.hpp"
#include "identity/session_check.hpp"
#include "messaging/live.hpp"

namespace telehealth::http::detail {

namespace {

using WebSocket = websocket::stream<TlsStream>;

// How often an open connection rechecks its session in the database, so
// that sign-out, expiry and deactivation close it within this interval.
constexpr std::chrono::seconds kSessionRecheckInterval{5};

// Events waiting for a slow client. A client this far behind has missed
// more than it can use, so the connection is closed and the client reloads.
constexpr std::size_t kMaxQueuedEvents = 256;

/// One user's live connection. Events arrive on any thread through
/// `deliver`; they are queued and written one at a time on the
/// connection's strand.
class LivePeer : public messaging::LiveSubscriber,
                 public std::enable_shared_from_this<LivePeer> {
 public:
  explicit LivePeer(TlsStream stream) : ws_(std::move(stream)) {}

  WebSocket& ws() { return ws_; }

  void deliver(std::string message) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), message = std::move(message)] {
      if (self->queue_.size() >= kMaxQueuedEvents) {
        self->queue_.clear();
        self->ws_.async_close(websocket::close_code::try_again_later, [self](beast::error_code) {});
        return;
      }
      self->queue_.push_back(std::move(message));
      if (!self->writing_) self->start_writer();
    });
  }

  void close() override {
    asio::post(ws_.get_executor(), [self = shared_from_this()] {
      self->ws_.async_close(websocket::close_code::normal, [self](beast::error_code) {});
    });
  }

 private:
  void start_writer() {
    writing_ = true;
    asio::co_spawn(ws_.get_executor(), write_queue(shared_from_this()), asio::detached);
  }

  // A static function taking `self` by value rather than a capturing lambda:
  // g++ 12 mishandles lambda coroutines with value captures.
  static asio::awaitable<void> write_queue(std::shared_ptr<LivePeer> self) {
    beast::error_code ec;
    while (!self->queue_.empty() && !ec) {
      self->ws_.text(true);
      co_await self->ws_.async_write(asio::buffer(self->queue_.front()),
                                     asio::redirect_error(asio::use_awaitable, ec));
      self->queue_.pop_front();
    }
    if (ec) self->queue_.clear();
    self->writing_ = false;
  }

  WebSocket ws_;
  std::deque<std::string> queue_;
  bool writing_ = false;
};

bool is_party(identity::Role role) {
  return role == identity::Role::patient || role == identity::Role::clinician;
}

// Checks the session and Origin as every upgrade does, then the role. A
// refused role is audited like the dispatcher's role check on PHI routes;
// an admitted connection is audited as "message.live_connect".
Context admit(const Dispatcher& dispatcher, Services& services, const IncomingRequest& incoming) {
  Context context;
  dispatcher.authenticate_upgrade(incoming, context);
  const auto& actor = context.signed_in();
  const bool allowed = is_party(actor.role);

  auto event = identity::actor_event(actor, allowed ? "message.live_connect" : "access.role_denied",
                                     allowed ? audit::Outcome::allowed : audit::Outcome::denied);
  event.record_type = "route";
  event.record_id = "GET /api/messages/live";
  auto lease = services.pool.acquire();
  db::Transaction tx(*lease);
  audit::append(tx, event, context.now);
  tx.commit();
  if (!allowed) throw core::Error(core::ErrorKind::forbidden, "your role may not use this function");
  return context;
}

asio::awaitable<Context> admit_on_worker(const Dispatcher* dispatcher, Services* services,
                                         IncomingRequest incoming) {
  co_return admit(*dispatcher, *services, incoming);
}

asio::awaitable<void> reject(TlsStream& stream, const BeastRequest& request,
                             const core::Error& error, const std::string& request_id) {
  beast::error_code ec;
  auto response = to_beast(error_response(error, request_id), request.version(), false);
  response.set("X-Request-Id", request_id);
  co_await bhttp::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
  co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<bool> check_session_on_worker(Services* services, std::string token_hash) {
  auto lease = services->pool.acquire();
  co_return identity::session_is_current(*lease, token_hash, services->clock.now(),
                                         services->sessions);
}

// Closes the connection once its session is no longer current. A failed
// check (database unreachable) keeps the connection and tries again later.
asio::awaitable<void> watch_session(std::weak_ptr<LivePeer> weak, Services* services,
                                    asio::thread_pool* workers, std::string token_hash,
                                    nlohmann::json ids) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    timer.expires_after(kSessionRecheckInterval);
    beast::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec || weak.expired()) co_return;
    bool current = true;
    try {
      current = co_await asio::co_spawn(*workers, check_session_on_worker(services, token_hash),
                                        asio::use_awaitable);
    } catch (const std::exception& error) {
      auto fields = ids;
      fields["detail"] = error.what();
      core::log(core::LogLevel::warn, "messaging", "session recheck failed", fields);
    }
    if (!current) {
      core::log(core::LogLevel::info, "messaging", "session ended; closing live connection", ids);
      if (auto peer = weak.lock()) peer->close();
      co_return;
    }
  }
}

bool is_uuid_segment(const std::string& path, std::size_t offset) {
  return path.size() >= offset + 36 && is_uuid(path.substr(offset, 36));
}

}  // namespace

bool is_messages_live_path(const std::string& path) { return path == "/api/messages/live"; }

bool is_attachment_upload(const std::string& method, const std::string& path) {
  static const std::string prefix = "/api/threads/";
  static const std::string suffix = "/attachments";
  return method == "POST" && path.size() == prefix.size() + 36 + suffix.size() &&
         path.rfind(prefix, 0) == 0 && is_uuid_segment(path, prefix.size()) &&
         path.compare(prefix.size() + 36, suffix.size(), suffix) == 0;
}

asio::awaitable<void> run_messages_live(TlsStream stream, BeastRequest request,
                                        IncomingRequest incoming, const Dispatcher& dispatcher,
                                        Services& services, asio::thread_pool& workers,
                                        const ServerLimits& limits) {
  beast::get_lowest_layer(stream).expires_after(limits.handshake_timeout);
  incoming.request_id = new_request_id();
  const std::string request_id = incoming.request_id;
  // A coroutine may not co_await inside a catch block, so the refusal is
  // written after it.
  Context context;
  std::optional<core::Error> refusal;
  try {
    context = co_await asio::co_spawn(workers, admit_on_worker(&dispatcher, &services, incoming),
                                      asio::use_awaitable);
  } catch (const core::Error& error) {
    refusal = error;
  } catch (const std::exception& error) {
    core::log(core::LogLevel::error, "messaging", "live connection admission failed",
              {{"detail", error.what()}, {"request_id", request_id}});
    refusal = core::Error(core::ErrorKind::internal, "internal error");
  }
  if (refusal || services.live_messages == nullptr) {
    co_await reject(stream, request,
                    refusal.value_or(core::Error(core::ErrorKind::unavailable,
                                                 "live updates are not available; reload later")),
                    request_id);
    co_return;
  }

  auto peer = std::make_shared<LivePeer>(std::move(stream));
  // Clients send nothing but control frames, so small messages suffice.
  peer->ws().read_message_max(4 * 1024);
  peer->ws().set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  peer->ws().set_option(websocket::stream_base::decorator(
      [request_id](websocket::response_type& response) { response.set("X-Request-Id", request_id); }));
  beast::error_code ec;
  co_await peer->ws().async_accept(request, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  beast::get_lowest_layer(peer->ws()).expires_never();

  const auto& user_id = context.signed_in().user_id;
  const nlohmann::json ids{{"user_id", user_id}, {"request_id", request_id}};
  core::log(core::LogLevel::info, "messaging", "live connection opened", ids);
  services.live_messages->subscribe(user_id, peer, context.session->token_hash);
  peer->deliver(nlohmann::json{{"type", "ready"}}.dump());
  asio::co_spawn(peer->ws().get_executor(),
                 watch_session(peer, &services, &workers, context.session->token_hash, ids),
                 asio::detached);

  beast::flat_buffer buffer;
  for (;;) {
    co_await peer->ws().async_read(buffer, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    buffer.consume(buffer.size());  // nothing a client sends is acted on
  }
  services.live_messages->unsubscribe(user_id, peer.get());
  core::log(core::LogLevel::info, "messaging", "live connection closed", ids);
}

}  // namespace telehealth::http::detail
