#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

// File operations behind Keyring. Each one keeps the keyring file readable
// and writable by its owner only. Errors raise KeyringError naming the path.

namespace telehealth::crypto::detail {

/// Owned POSIX file descriptor, closed on destruction.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
  ~FileDescriptor();
  FileDescriptor(FileDescriptor&& other) noexcept;
  FileDescriptor& operator=(FileDescriptor&& other) = delete;
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  [[nodiscard]] int get() const noexcept { return fd_; }

 private:
  int fd_;
};

/// Maximum keyring file size in bytes. One key version takes about 130 bytes,
/// so this leaves room for thousands of rotations.
inline constexpr std::size_t max_keyring_file_size = 1024 * 1024;

/// Reads the keyring file, or returns nullopt if it does not exist. Raises
/// KeyringError if it is not a regular file, is larger than
/// max_keyring_file_size, or grants group or others any permission.
std::optional<std::string> read_keyring_file(const std::filesystem::path& path);

/// Creates the keyring file with mode 0600 and writes `text` to it, synced to
/// disk. Returns false without writing if the path already exists, even as a
/// dangling symbolic link.
bool create_keyring_file(const std::filesystem::path& path, std::string_view text);

/// Replaces the keyring file with `text` atomically: writes a temporary file
/// with mode 0600 in the same directory, syncs it and renames it over `path`.
/// A crash leaves either the old or the new file, never a partial one.
void replace_keyring_file(const std::filesystem::path& path, std::string_view text);

/// Takes an exclusive flock on "<path>.lock", created with mode 0600 if
/// missing, and keeps it until the returned descriptor is destroyed. Keyring
/// takes it before it rereads, changes and rewrites the file, so two processes
/// rotating at once cannot lose a key version.
FileDescriptor lock_keyring_file(const std::filesystem::path& path);

}  // namespace telehealth::crypto::detail
