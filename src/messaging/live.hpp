#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace telehealth::messaging {

/// One open live-updates connection. The HTTP layer implements it over a
/// WebSocket; `deliver` must not block (it queues the frame).
class LiveSubscriber {
 public:
  virtual ~LiveSubscriber() = default;
  virtual void deliver(std::string message) = 0;
  virtual void close() = 0;
};

/// Fans out live events ("message", "read", "unread") to the open
/// connections of each user. Events carry ids and counts only, never a
/// message body or a name, so a delivery discloses no PHI and needs no audit
/// event of its own: the client fetches the message through the audited
/// routes.
///
/// TODO: subscribers live in this process only; a user connected to another
/// instance gets no event until events travel over PostgreSQL LISTEN/NOTIFY.
class LiveHub {
 public:
  /// Registers `subscriber` for `user_id`; `session_key` names the sign-in
  /// session, so that close_session can end the connection.
  void subscribe(const std::string& user_id, std::shared_ptr<LiveSubscriber> subscriber,
                 std::string session_key);

  /// Removes `subscriber` if it is still registered.
  void unsubscribe(const std::string& user_id, const LiveSubscriber* subscriber);

  /// Queues `message` on every connection of `user_id`.
  void publish(const std::string& user_id, const std::string& message);

  /// Closes every connection opened by the session `session_key`.
  void close_session(const std::string& session_key);

  /// The number of open connections of `user_id`.
  std::size_t connections(const std::string& user_id) const;

 private:
  struct Entry {
    std::shared_ptr<LiveSubscriber> subscriber;
    std::string session_key;
  };
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<Entry>> by_user_;
};

}  // namespace telehealth::messaging
