#include "http/detail/signaling.hpp"

#include <deque>

#include <nlohmann/json.hpp>

#include "audit/writer.hpp"
#include "core/log.hpp"
#include "db/transaction.hpp"
#include "http/detail/convert.hpp"
#include "http/router.hpp"
#include "identity/session_check.hpp"
#include "video/consultation.hpp"
#include "video/rooms.hpp"

namespace telehealth::http::detail {

namespace {

using WebSocket = websocket::stream<TlsStream>;

// How often an open signaling connection rechecks its session in the
// database. Sign-out and deactivation on this instance close the connection
// at once through video::Rooms. The recheck also catches idle or absolute
// expiry and changes made on another instance.
constexpr std::chrono::seconds kSessionRecheckInterval{5};

/// A seated participant's WebSocket. Frames from the other side arrive on any
/// thread through `deliver`; they are queued and written one at a time on
/// the connection's strand.
class SignalingPeer : public video::Participant,
                      public std::enable_shared_from_this<SignalingPeer> {
 public:
  explicit SignalingPeer(TlsStream stream) : ws_(std::move(stream)) {}

  WebSocket& ws() { return ws_; }

  void deliver(std::string message) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), message = std::move(message)] {
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
  static asio::awaitable<void> write_queue(std::shared_ptr<SignalingPeer> self) {
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

// Rebuilds a client message from its checked fields, so the server relays
// only the message types of docs/api.md and never arbitrary JSON between
// participants. Returns "" for anything else.
std::string relayable_message(const std::string& text) {
  const auto message = nlohmann::json::parse(text, nullptr, false);
  if (!message.is_object()) return {};
  const auto type = message.find("type");
  if (type == message.end() || !type->is_string()) return {};

  if (*type == "offer" || *type == "answer") {
    const auto sdp = message.find("sdp");
    if (sdp == message.end() || !sdp->is_string()) return {};
    return nlohmann::json{{"type", *type}, {"sdp", *sdp}}.dump();
  }
  if (*type == "candidate") {
    // RTCIceCandidateInit: the candidate line and where it belongs.
    const auto candidate = message.find("candidate");
    if (candidate == message.end() || !candidate->is_object()) return {};
    nlohmann::json checked = nlohmann::json::object();
    const auto line = candidate->find("candidate");
    if (line == candidate->end() || !line->is_string()) return {};
    checked["candidate"] = *line;
    for (const char* key : {"sdpMid", "usernameFragment"}) {
      const auto value = candidate->find(key);
      if (value != candidate->end() && (value->is_string() || value->is_null())) {
        checked[key] = *value;
      }
    }
    const auto index = candidate->find("sdpMLineIndex");
    if (index != candidate->end() && (index->is_number_unsigned() || index->is_null())) {
      checked["sdpMLineIndex"] = *index;
    }
    return nlohmann::json{{"type", "candidate"}, {"candidate", checked}}.dump();
  }
  return {};
}

struct Admission {
  Context context;
  video::Seat seat;
};

Admission admit(const Dispatcher& dispatcher, Services& services,
                const IncomingRequest& incoming, const std::string& appointment_id) {
  Admission admission;
  dispatcher.authenticate_upgrade(incoming, admission.context);
  auto lease = services.pool.acquire();
  db::Transaction tx(*lease);
  admission.seat = video::take_seat(tx, admission.context.signed_in(), appointment_id,
                                    "consultation.join", admission.context.now);
  return admission;
}

asio::awaitable<Admission> admit_on_worker(const Dispatcher* dispatcher, Services* services,
                                           IncomingRequest incoming, std::string appointment_id) {
  co_return admit(*dispatcher, *services, incoming, appointment_id);
}

asio::awaitable<void> reject(TlsStream& stream, const BeastRequest& request,
                             const core::Error& error, const std::string& request_id) {
  beast::error_code ec;
  auto response = to_beast(error_response(error, request_id), request.version(), false);
  response.set("X-Request-Id", request_id);
  co_await bhttp::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
  co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
}

// Closes the socket when the appointment window ends, so a consultation
// cannot outlive the TURN credentials that carry its media.
void close_at_window_end(const std::shared_ptr<SignalingPeer>& peer, std::chrono::seconds left) {
  auto timer = std::make_shared<asio::steady_timer>(peer->ws().get_executor(), left);
  std::weak_ptr<SignalingPeer> weak = peer;
  timer->async_wait([timer, weak](beast::error_code ec) {
    if (auto alive = weak.lock(); alive && !ec) alive->close();
  });
}

asio::awaitable<bool> check_session_on_worker(Services* services, std::string token_hash) {
  auto lease = services->pool.acquire();
  co_return identity::session_is_current(*lease, token_hash, services->clock.now(),
                                         services->sessions);
}

// Closes the connection once its session is no longer current: expired, ended
// or its user deactivated. Stops when the connection is gone. A failed check
// (database unreachable) keeps the connection and tries again at the next
// interval, so a short outage does not drop every consultation.
asio::awaitable<void> watch_session(std::weak_ptr<SignalingPeer> weak, Services* services,
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
      core::log(core::LogLevel::warn, "video", "session recheck failed", fields);
    }
    if (!current) {
      core::log(core::LogLevel::info, "video", "session ended; closing signaling connection", ids);
      if (auto peer = weak.lock()) peer->close();
      co_return;
    }
  }
}

}  // namespace

bool is_signaling_path(const std::string& path, std::string& appointment_id) {
  static const std::string prefix = "/api/appointments/";
  static const std::string suffix = "/signal";
  if (path.size() != prefix.size() + 36 + suffix.size()) return false;
  if (path.rfind(prefix, 0) != 0 || path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return false;
  }
  appointment_id = path.substr(prefix.size(), 36);
  if (!is_uuid(appointment_id)) return false;
  appointment_id = canonical_uuid(appointment_id);
  return true;
}

asio::awaitable<void> run_signaling(TlsStream stream, BeastRequest request,
                                    IncomingRequest incoming, const Dispatcher& dispatcher,
                                    Services& services, asio::thread_pool& workers,
                                    const ServerLimits& limits) {
  // Bounded until the WebSocket handshake completes, so a refused or stalled
  // upgrade cannot hold a connection; the WebSocket timeouts apply after it.
  beast::get_lowest_layer(stream).expires_after(limits.handshake_timeout);
  std::string appointment_id;
  is_signaling_path(std::string(request.target().substr(0, request.target().find('?'))),
                    appointment_id);
  // The id of the audit events of this upgrade, returned in X-Request-Id
  // whether the upgrade succeeds or not.
  incoming.request_id = new_request_id();
  const std::string request_id = incoming.request_id;
  // Errors are caught here and the error response is written after the catch
  // block, because a coroutine may not co_await inside one.
  Admission admission;
  std::optional<core::Error> refusal;
  try {
    admission = co_await asio::co_spawn(
        workers, admit_on_worker(&dispatcher, &services, incoming, appointment_id),
        asio::use_awaitable);
  } catch (const core::Error& error) {
    refusal = error;
  } catch (const std::exception& error) {
    core::log(core::LogLevel::error, "video", "signaling admission failed",
              {{"detail", error.what()}});
    refusal = core::Error(core::ErrorKind::internal, "internal error");
  }
  if (refusal) {
    co_await reject(stream, request, *refusal, request_id);
    co_return;
  }

  auto peer = std::make_shared<SignalingPeer>(std::move(stream));
  peer->ws().read_message_max(limits.websocket_message_bytes);
  peer->ws().set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  peer->ws().set_option(websocket::stream_base::decorator(
      [request_id](websocket::response_type& response) { response.set("X-Request-Id", request_id); }));
  beast::error_code ec;
  co_await peer->ws().async_accept(request, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  beast::get_lowest_layer(peer->ws()).expires_never();

  const auto& seat = admission.seat;
  const nlohmann::json ids{{"appointment_id", seat.appointment_id},
                           {"user_id", admission.context.signed_in().user_id},
                           {"request_id", admission.context.request_id}};
  core::log(core::LogLevel::info, "video", "participant joined", ids);
  close_at_window_end(peer, seat.ends_at - admission.context.now);
  services.rooms.join(seat.appointment_id, seat.side, peer,
                      admission.context.session->token_hash);
  asio::co_spawn(peer->ws().get_executor(),
                 watch_session(peer, &services, &workers, admission.context.session->token_hash,
                               ids),
                 asio::detached);

  beast::flat_buffer buffer;
  for (;;) {
    co_await peer->ws().async_read(buffer, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    const std::string text = beast::buffers_to_string(buffer.data());
    buffer.consume(buffer.size());
    const std::string relayed = relayable_message(text);
    if (!relayed.empty()) services.rooms.relay(seat.appointment_id, seat.side, relayed);
  }
  services.rooms.leave(seat.appointment_id, seat.side, peer.get());
  core::log(core::LogLevel::info, "video", "participant left", ids);
  // Nothing waits for this event: the participant has gone already. If its
  // batch fails, the writer logs the failure.
  if (services.audit_writer != nullptr) {
    services.audit_writer->submit(video::leave_event(admission.context.signed_in(), seat),
                                  services.clock.now());
  }
}

}  // namespace telehealth::http::detail
