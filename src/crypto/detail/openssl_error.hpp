#pragma once

#include <string>

namespace telehealth::crypto::detail {

/// Removes the oldest error from this thread's OpenSSL error queue and
/// returns its text, or "no OpenSSL error queued" if the queue is empty.
std::string pop_openssl_error();

}  // namespace telehealth::crypto::detail
