#include "identity/password_policy.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_set>

#include "core/error.hpp"
#include "core/text.hpp"

namespace telehealth::identity {

namespace detail {
extern const std::string_view kCommonPasswords;  // generated, see CMakeLists.txt
}

namespace {

// Shorter context words (an email name such as "jo") would reject too much.
constexpr std::size_t kMinContextWord = 4;

const std::unordered_set<std::string_view>& common_passwords() {
  static const auto* const set = [] {
    auto* words = new std::unordered_set<std::string_view>();
    std::string_view rest = detail::kCommonPasswords;
    while (!rest.empty()) {
      const auto end = std::min(rest.find('\n'), rest.size());
      const auto line = rest.substr(0, end);
      if (!line.empty() && line.front() != '#') words->insert(line);
      rest.remove_prefix(std::min(end + 1, rest.size()));
    }
    return words;
  }();
  return *set;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// The password without the digits and ASCII symbols at its ends, which
// people add to a common word to pass composition rules.
std::string_view core_word(std::string_view text) {
  const auto is_filler = [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x80 && !std::isalpha(u);
  };
  while (!text.empty() && is_filler(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_filler(text.back())) text.remove_suffix(1);
  return text;
}


}  // namespace

bool is_common_password(std::string_view password) {
  return common_passwords().contains(lower(password));
}

void check_new_password(std::string_view password, const std::vector<std::string>& context_words,
                        const std::string& field) {
  const auto reject = [&field](const std::string& why) { core::throw_invalid_field(field, why); };
  if (core::sanitize_utf8(password, kMaxPasswordBytes) != password) {
    reject("must be valid UTF-8 text of at most 1024 bytes");
  }
  if (code_points(password) < kMinPasswordLength) {
    reject("use at least 12 characters; a few unrelated words make a strong password");
  }
  const std::string lowered = lower(password);
  const auto all_same = std::all_of(lowered.begin(), lowered.end(),
                                    [&](char c) { return c == lowered.front(); });
  const auto word = core_word(lowered);
  if (all_same || common_passwords().contains(lowered) || common_passwords().contains(word)) {
    reject("this password is too common or has appeared in a data breach; choose another");
  }
  auto words = context_words;
  words.emplace_back("telehealth");
  for (const auto& context : words) {
    const std::string needle = lower(context);
    if (needle.size() >= kMinContextWord && lowered.find(needle) != std::string::npos) {
      reject("must not contain your name, your email address or the product's name");
    }
  }
}

}  // namespace telehealth::identity
