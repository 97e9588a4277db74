#pragma once

namespace telehealth::crypto::detail {

/// Calls sodium_init() once per process, before the first libsodium call that
/// needs it. Throws std::runtime_error if libsodium cannot initialise.
void ensure_sodium_initialized();

}  // namespace telehealth::crypto::detail
