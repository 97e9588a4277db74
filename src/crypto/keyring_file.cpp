#include "crypto/detail/keyring_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "crypto/encoding.hpp"
#include "crypto/keyring.hpp"
#include "crypto/random.hpp"

namespace telehealth::crypto::detail {

namespace {

constexpr mode_t owner_read_write = S_IRUSR | S_IWUSR;

[[noreturn]] void throw_errno(std::string_view operation, const std::filesystem::path& path) {
  const int error = errno;
  throw KeyringError(fmt::format("{} {} failed: {}", operation, path.string(),
                                 std::system_category().message(error)));
}

void check_keyring_mode(const FileDescriptor& file, const std::filesystem::path& path) {
  struct stat status {};
  if (fstat(file.get(), &status) != 0) {
    throw_errno("fstat", path);
  }
  if (!S_ISREG(status.st_mode)) {
    throw KeyringError(fmt::format("keyring {} is not a regular file", path.string()));
  }
  // Group or other access to the key-encryption keys defeats envelope
  // encryption, so the file is rejected rather than silently used.
  if ((status.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    throw KeyringError(fmt::format(
        "keyring file {} has mode {:04o}, which grants access to group or others; "
        "run `chmod 600 {}` and check who may have read the keys",
        path.string(), status.st_mode & 07777, path.string()));
  }
}

std::string read_all(const FileDescriptor& file, const std::filesystem::path& path) {
  std::string text;
  std::array<char, 4096> buffer{};
  for (;;) {
    const ssize_t count = ::read(file.get(), buffer.data(), buffer.size());
    if (count < 0 && errno == EINTR) {
      continue;
    }
    if (count < 0) {
      throw_errno("read", path);
    }
    if (count == 0) {
      return text;
    }
    text.append(buffer.data(), static_cast<std::size_t>(count));
    if (text.size() > max_keyring_file_size) {
      throw KeyringError(fmt::format("keyring file {} is larger than the maximum of {} bytes",
                                     path.string(), max_keyring_file_size));
    }
  }
}

void write_all(const FileDescriptor& file, std::string_view text,
               const std::filesystem::path& path) {
  while (!text.empty()) {
    const ssize_t count = ::write(file.get(), text.data(), text.size());
    if (count < 0 && errno == EINTR) {
      continue;
    }
    if (count < 0) {
      throw_errno("write", path);
    }
    text.remove_prefix(static_cast<std::size_t>(count));
  }
  if (::fsync(file.get()) != 0) {
    throw_errno("fsync", path);
  }
}

// Syncs the directory that contains `path`, so that a new or renamed entry
// survives a crash.
void sync_parent_directory(const std::filesystem::path& path) {
  std::filesystem::path directory = path.parent_path();
  if (directory.empty()) {
    directory = ".";
  }
  const FileDescriptor handle(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (handle.get() < 0) {
    throw_errno("open directory", directory);
  }
  if (::fsync(handle.get()) != 0) {
    throw_errno("fsync directory", directory);
  }
}

// Opens `path` with O_CREAT | O_EXCL and mode 0600, so the file is never
// readable by others, not even between creation and a chmod. Returns a
// negative descriptor with errno set on failure.
FileDescriptor create_exclusive(const std::filesystem::path& path) {
  return FileDescriptor(
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, owner_read_write));
}

// Writes `text` to the new file `path` and removes the file if that fails,
// so that no partial keyring stays behind.
void write_new_file(FileDescriptor file, const std::filesystem::path& path,
                    std::string_view text) {
  try {
    write_all(file, text, path);
  } catch (...) {
    ::unlink(path.c_str());
    throw;
  }
}

}  // namespace

FileDescriptor::~FileDescriptor() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

FileDescriptor::FileDescriptor(FileDescriptor&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)) {}

std::optional<std::string> read_keyring_file(const std::filesystem::path& path) {
  const FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0 && errno == ENOENT) {
    return std::nullopt;
  }
  if (file.get() < 0) {
    throw_errno("open", path);
  }
  // The mode is checked on the open descriptor, not the path, so the file
  // cannot be swapped between the check and the read.
  check_keyring_mode(file, path);
  return read_all(file, path);
}

bool create_keyring_file(const std::filesystem::path& path, std::string_view text) {
  FileDescriptor file = create_exclusive(path);
  if (file.get() < 0 && errno == EEXIST) {
    return false;
  }
  if (file.get() < 0) {
    throw_errno("create", path);
  }
  write_new_file(std::move(file), path, text);
  sync_parent_directory(path);
  return true;
}

void replace_keyring_file(const std::filesystem::path& path, std::string_view text) {
  std::filesystem::path temporary = path;
  temporary += ".tmp-" + hex_encode(random_bytes(8));
  FileDescriptor file = create_exclusive(temporary);
  if (file.get() < 0) {
    throw_errno("create", temporary);
  }
  write_new_file(std::move(file), temporary, text);

  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    throw KeyringError(fmt::format("rename {} to {} failed: {}", temporary.string(), path.string(),
                                   std::system_category().message(error)));
  }
  sync_parent_directory(path);
}

FileDescriptor lock_keyring_file(const std::filesystem::path& path) {
  std::filesystem::path lock_path = path;
  lock_path += ".lock";
  FileDescriptor lock(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, owner_read_write));
  if (lock.get() < 0) {
    throw_errno("open lock file", lock_path);
  }
  while (::flock(lock.get(), LOCK_EX) != 0) {
    if (errno != EINTR) {
      throw_errno("flock", lock_path);
    }
  }
  return lock;
}

}  // namespace telehealth::crypto::detail
