#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace telehealth::identity {

/// Shortest new password, in characters (Unicode code points). NIST SP
/// 800-63B 5.1.1.2 requires at least 8; the product requires 12.
inline constexpr std::size_t kMinPasswordLength = 12;
/// Maximum length of a new password, in bytes: enough for any passphrase, and
/// small enough that hashing it costs nothing extra.
inline constexpr std::size_t kMaxPasswordBytes = 1024;

/// Checks a password a user chooses (NIST SP 800-63B 5.1.1.2): at least
/// kMinPasswordLength characters, valid UTF-8, no composition rules, and
/// not a common or breached password from the list shipped in
/// src/identity/data/common_passwords.txt, also after removing digits and
/// symbols from its ends ("Password2026!" counts as "password"). It must not
/// contain one of `context_words` (the user's email name and display name)
/// or the product's name. Throws invalid_field for `field` saying why.
void check_new_password(std::string_view password, const std::vector<std::string>& context_words,
                        const std::string& field = "password");

/// True when `password` (any case) is on the common-password list.
bool is_common_password(std::string_view password);

}  // namespace telehealth::identity
