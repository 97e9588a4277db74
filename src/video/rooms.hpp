#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "identity/role.hpp"

namespace telehealth::video {

/// One end of a signaling connection. The HTTP layer implements it over a
/// WebSocket; `deliver` must not block (it queues the frame).
class Participant {
 public:
  virtual ~Participant() = default;
  virtual void deliver(std::string message) = 0;
  /// Ends the connection, e.g. when the same user joins again elsewhere.
  virtual void close() = 0;
};

/// Signaling rooms, one per appointment, with at most one patient and one
/// clinician each. The server relays offers, answers and ICE candidates
/// between the two unchanged and announces arrivals and departures.
///
/// TODO: rooms live in this process only; two participants connected to
/// different instances do not meet until signaling travels over PostgreSQL
/// LISTEN/NOTIFY.
class Rooms {
 public:
  /// Seats `participant` on `side`, replacing (and closing) an earlier
  /// connection of the same side, and sends "peer-joined" both ways when the
  /// other side is present.
  /// `session_key` names the sign-in session that opened the connection, so
  /// that ending the session can close it.
  void join(const std::string& appointment_id, identity::Role side,
            std::shared_ptr<Participant> participant, std::string session_key);

  /// Sends `message` from `side` to the other side, if present.
  void relay(const std::string& appointment_id, identity::Role side, const std::string& message);

  /// Removes `participant` if it is still seated on `side`, and notifies the
  /// other side.
  void leave(const std::string& appointment_id, identity::Role side,
             const Participant* participant);

  /// Closes every connection opened by the session `session_key`, when it is
  /// signed out. The read loop of each then leaves its room as usual.
  void close_session(const std::string& session_key);

  std::size_t size() const;

 private:
  struct Room {
    std::shared_ptr<Participant> patient;
    std::shared_ptr<Participant> clinician;
    std::string patient_session;
    std::string clinician_session;
  };
  static std::shared_ptr<Participant>& seat(Room& room, identity::Role side);
  static std::shared_ptr<Participant>& other(Room& room, identity::Role side);

  mutable std::mutex mutex_;
  std::map<std::string, Room> rooms_;
};

}  // namespace telehealth::video
