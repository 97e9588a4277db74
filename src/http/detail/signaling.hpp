#pragma once

#include "http/detail/beast.hpp"
#include "http/dispatcher.hpp"
#include "http/server.hpp"

namespace telehealth::http::detail {

/// Serves one WebSocket upgrade of /api/appointments/{id}/signal: checks the
/// session, the Origin and the seat, then relays signaling messages through
/// video::Rooms until either side leaves or the appointment window closes.
asio::awaitable<void> run_signaling(TlsStream stream, BeastRequest request,
                                    IncomingRequest incoming, const Dispatcher& dispatcher,
                                    Services& services, asio::thread_pool& workers,
                                    const ServerLimits& limits);

/// True when `path` is the signaling route; sets `appointment_id`.
bool is_signaling_path(const std::string& path, std::string& appointment_id);

}  // namespace telehealth::http::detail
