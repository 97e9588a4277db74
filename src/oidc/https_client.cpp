#include "oidc/detail/https_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <stdexcept>

#include "oidc/detail/url.hpp"

namespace telehealth::oidc::detail {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// Discovery documents and JWKS are a few KiB; the limit stops a broken or
// hostile endpoint from filling memory.
constexpr std::uint64_t kMaxBodyBytes = 1024 * 1024;

using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;

// Names the host the certificate must match: a DNS name (SNI and the
// subjectAltName DNS entries) or an IP literal (the IP entries).
void expect_host(SSL* ssl, const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  if (!ec) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str());
    return;
  }
  // SSL_set_tlsext_host_name, spelled out because the macro's C cast trips
  // -Wold-style-cast.
  SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
           const_cast<char*>(host.c_str()));
  SSL_set1_host(ssl, host.c_str());
}

// A plain coroutine function with by-value parameters: g++ 12 mishandles
// coroutine lambdas with captures.
asio::awaitable<void> exchange(asio::ssl::context* tls, HttpsUrl url, Request request,
                               Response* response, std::chrono::seconds timeout) {
  const auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  beast::ssl_stream<beast::tcp_stream> stream(executor, *tls);
  expect_host(stream.native_handle(), url.host);

  auto& socket = beast::get_lowest_layer(stream);
  socket.expires_after(timeout);
  const auto endpoints = co_await resolver.async_resolve(url.host, url.port, asio::use_awaitable);
  co_await socket.async_connect(endpoints, asio::use_awaitable);
  co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
  co_await bhttp::async_write(stream, request, asio::use_awaitable);

  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(kMaxBodyBytes);
  co_await bhttp::async_read(stream, buffer, parser, asio::use_awaitable);
  *response = parser.release();
  // The whole response is read, so a failed TLS close_notify loses nothing.
  boost::system::error_code ignored;
  socket.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

}  // namespace

HttpsClient::HttpsClient(const std::filesystem::path& ca_file, std::chrono::seconds timeout)
    : tls_(std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client)),
      timeout_(timeout) {
  SSL_CTX_set_min_proto_version(tls_->native_handle(), TLS1_2_VERSION);
  tls_->set_default_verify_paths();
  if (!ca_file.empty()) tls_->load_verify_file(ca_file.string());
  tls_->set_verify_mode(asio::ssl::verify_peer);
}

HttpsClient::~HttpsClient() = default;

HttpsResponse HttpsClient::get(const std::string& url) const { return send("GET", url, {}, {}); }

HttpsResponse HttpsClient::post_form(const std::string& url, const std::string& form_body,
                                     const std::string& authorization) const {
  return send("POST", url, form_body, authorization);
}

HttpsResponse HttpsClient::send(const std::string& method, const std::string& url,
                                const std::string& body, const std::string& authorization) const {
  const auto parsed = parse_https_url(url);
  if (!parsed) throw std::runtime_error("not an absolute https URL");

  Request request{bhttp::string_to_verb(method), parsed->target, 11};
  request.set(bhttp::field::host, parsed->port == "443" ? parsed->host
                                                        : parsed->host + ":" + parsed->port);
  request.set(bhttp::field::user_agent, "telehealth-oidc");
  request.set(bhttp::field::accept, "application/json");
  if (!authorization.empty()) request.set(bhttp::field::authorization, authorization);
  if (method == "POST") {
    request.set(bhttp::field::content_type, "application/x-www-form-urlencoded");
    request.body() = body;
  }
  request.prepare_payload();

  // Declared before the io_context, so they outlive any coroutine frame that
  // its destructor releases after a time-out.
  Response response;
  std::exception_ptr failure;
  asio::io_context io;
  asio::co_spawn(io, exchange(tls_.get(), *parsed, std::move(request), &response, timeout_),
                 [&failure](std::exception_ptr error) { failure = error; });
  // The socket's own deadline covers connect, TLS and HTTP; this one also
  // bounds name resolution.
  io.run_for(timeout_ + std::chrono::seconds(1));
  if (!io.stopped()) throw std::runtime_error("the request timed out");
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const boost::system::system_error& error) {
      throw std::runtime_error(std::string("HTTPS request failed: ") + error.what());
    }
  }
  HttpsResponse result;
  result.status = response.result_int();
  result.content_type = std::string(response[bhttp::field::content_type]);
  result.body = std::move(response.body());
  return result;
}

}  // namespace telehealth::oidc::detail
