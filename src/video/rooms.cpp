#include "video/rooms.hpp"

#include <vector>

#include <nlohmann/json.hpp>

namespace telehealth::video {

namespace {

std::string presence(const char* type, identity::Role side) {
  return nlohmann::json{{"type", type}, {"role", identity::to_string(side)}}.dump();
}

identity::Role opposite(identity::Role side) {
  return side == identity::Role::clinician ? identity::Role::patient : identity::Role::clinician;
}

}  // namespace

std::shared_ptr<Participant>& Rooms::seat(Room& room, identity::Role side) {
  return side == identity::Role::clinician ? room.clinician : room.patient;
}

std::shared_ptr<Participant>& Rooms::other(Room& room, identity::Role side) {
  return side == identity::Role::clinician ? room.patient : room.clinician;
}

void Rooms::join(const std::string& appointment_id, identity::Role side,
                 std::shared_ptr<Participant> participant, std::string session_key) {
  std::shared_ptr<Participant> replaced;
  {
    std::lock_guard lock(mutex_);
    Room& room = rooms_[appointment_id];
    replaced = std::exchange(seat(room, side), participant);
    (side == identity::Role::clinician ? room.clinician_session : room.patient_session) =
        std::move(session_key);
    if (const auto& peer = other(room, side)) {
      peer->deliver(presence("peer-joined", side));
      participant->deliver(presence("peer-joined", opposite(side)));
    }
  }
  if (replaced) replaced->close();
}

void Rooms::relay(const std::string& appointment_id, identity::Role side,
                  const std::string& message) {
  std::lock_guard lock(mutex_);
  const auto found = rooms_.find(appointment_id);
  if (found == rooms_.end()) return;
  if (const auto& peer = other(found->second, side)) peer->deliver(message);
}

void Rooms::leave(const std::string& appointment_id, identity::Role side,
                  const Participant* participant) {
  std::lock_guard lock(mutex_);
  const auto found = rooms_.find(appointment_id);
  if (found == rooms_.end()) return;
  Room& room = found->second;
  if (seat(room, side).get() != participant) return;  // already replaced
  seat(room, side).reset();
  if (const auto& peer = other(room, side)) {
    peer->deliver(presence("peer-left", side));
  } else {
    rooms_.erase(found);
  }
}

void Rooms::close_session(const std::string& session_key) {
  std::vector<std::shared_ptr<Participant>> closing;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, room] : rooms_) {
      if (room.patient && room.patient_session == session_key) closing.push_back(room.patient);
      if (room.clinician && room.clinician_session == session_key) {
        closing.push_back(room.clinician);
      }
    }
  }
  for (const auto& participant : closing) participant->close();
}

std::size_t Rooms::size() const {
  std::lock_guard lock(mutex_);
  return rooms_.size();
}

}  // namespace telehealth::video
