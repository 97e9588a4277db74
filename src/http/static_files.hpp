#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "http/response.hpp"

namespace telehealth::http {

/// Serves the built web app (web/dist) from the same origin as the API.
/// Paths without a file extension get index.html, so the app's client-side
/// routes survive a reload.
class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root);

  /// Returns the file for a GET of `path`, or nullopt when there is none.
  /// Never reads outside the root: ".." segments and symlinks that leave it
  /// are rejected.
  std::optional<Response> serve(const std::string& path) const;

 private:
  std::filesystem::path root_;
};

}  // namespace telehealth::http
