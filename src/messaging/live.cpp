#include "messaging/live.hpp"

#include <algorithm>

namespace telehealth::messaging {

void LiveHub::subscribe(const std::string& user_id, std::shared_ptr<LiveSubscriber> subscriber,
                        std::string session_key) {
  const std::lock_guard lock(mutex_);
  by_user_[user_id].push_back({std::move(subscriber), std::move(session_key)});
}

void LiveHub::unsubscribe(const std::string& user_id, const LiveSubscriber* subscriber) {
  const std::lock_guard lock(mutex_);
  const auto found = by_user_.find(user_id);
  if (found == by_user_.end()) return;
  auto& entries = found->second;
  entries.erase(std::remove_if(entries.begin(), entries.end(),
                               [subscriber](const Entry& entry) {
                                 return entry.subscriber.get() == subscriber;
                               }),
                entries.end());
  if (entries.empty()) by_user_.erase(found);
}

void LiveHub::publish(const std::string& user_id, const std::string& message) {
  std::vector<std::shared_ptr<LiveSubscriber>> targets;
  {
    const std::lock_guard lock(mutex_);
    const auto found = by_user_.find(user_id);
    if (found == by_user_.end()) return;
    for (const auto& entry : found->second) targets.push_back(entry.subscriber);
  }
  // Outside the lock: deliver only queues, but a subscriber may call back.
  for (const auto& target : targets) target->deliver(message);
}

void LiveHub::close_session(const std::string& session_key) {
  std::vector<std::shared_ptr<LiveSubscriber>> targets;
  {
    const std::lock_guard lock(mutex_);
    for (const auto& [user_id, entries] : by_user_) {
      for (const auto& entry : entries) {
        if (entry.session_key == session_key) targets.push_back(entry.subscriber);
      }
    }
  }
  for (const auto& target : targets) target->close();
}

std::size_t LiveHub::connections(const std::string& user_id) const {
  const std::lock_guard lock(mutex_);
  const auto found = by_user_.find(user_id);
  return found == by_user_.end() ? 0 : found->second.size();
}

}  // namespace telehealth::messaging
