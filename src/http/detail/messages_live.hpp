#pragma once

#include <string>

#include "http/detail/beast.hpp"
#include "http/dispatcher.hpp"
#include "http/server.hpp"

namespace telehealth::http::detail {

/// Serves one WebSocket upgrade of /api/messages/live. Checks the session,
/// the Origin and the role (patient or clinician) and audits the connection.
/// Then pushes the signed-in user's live message events (ids and counts
/// only, see messaging::LiveHub) until the client leaves or the session ends.
asio::awaitable<void> run_messages_live(TlsStream stream, BeastRequest request,
                                        IncomingRequest incoming, const Dispatcher& dispatcher,
                                        Services& services, asio::thread_pool& workers,
                                        const ServerLimits& limits);

/// True when `path` is the live messages route.
bool is_messages_live_path(const std::string& path);

/// True for POST /api/threads/{uuid}/attachments, whose body may be larger
/// than other requests' (ServerLimits::attachment_body_bytes).
bool is_attachment_upload(const std::string& method, const std::string& path);

}  // namespace telehealth::http::detail
