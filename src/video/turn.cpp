#include "video/turn.hpp"

#include "crypto/encoding.hpp"
#include "crypto/hash.hpp"

namespace telehealth::video {

TurnCredential issue_turn_credential(const std::string& shared_secret, const std::string& user_id,
                                     core::Seconds expires_at) {
  TurnCredential credential;
  credential.username = std::to_string(core::to_unix(expires_at)) + ":" + user_id;
  const auto tag = crypto::hmac_sha1(crypto::as_byte_view(shared_secret),
                                     crypto::as_byte_view(credential.username));
  credential.password = crypto::base64_encode(tag);
  credential.expires_at = expires_at;
  return credential;
}

}  // namespace telehealth::video
