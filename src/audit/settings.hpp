#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace telehealth::audit {

/// The "audit" section of the server configuration.
struct Settings {
  /// The chain this instance appends to. Give every instance of a cluster its
  /// own, so that each has one writer and one chain head.
  std::string chain = "main";
  /// The maximum number of events the group-commit writer puts in one
  /// transaction.
  std::size_t max_batch = 512;
  /// A signed checkpoint is written after this many new events, or after
  /// `checkpoint_interval` when fewer are waiting, whichever comes first.
  std::int64_t checkpoint_events = 1000;
  std::chrono::seconds checkpoint_interval{60};
  /// The append-only file each checkpoint is also written to, one JSON
  /// object per line, for shipping off the machine. Empty: the database only.
  std::filesystem::path checkpoint_file;
};

}  // namespace telehealth::audit
