// Shared by the net tests: one transfer on a private io_context, with the guard open for loopback.
#pragma once

#include "net/http_client.hpp"

#include <boost/asio/io_context.hpp>

#include <memory>
#include <string>
#include <vector>

namespace newsalert::net::testing {

// The test server listens on 127.0.0.1, which the guard refuses unless allowed.
inline HttpClientOptions loopback_allowed() {
  HttpClientOptions options;
  options.address_policy = std::make_shared<AddressPolicy>(std::vector{*NetworkRange::parse("127.0.0.0/8")});
  return options;
}

inline HttpResponse fetch_one(HttpRequest request, HttpClientOptions options = loopback_allowed()) {
  boost::asio::io_context io;
  HttpClient http(io, std::move(options));
  HttpResponse response;
  http.async_fetch(std::move(request), [&](HttpResponse r) { response = std::move(r); });
  io.run();
  return response;
}

inline HttpRequest get(std::string url) {
  HttpRequest request;
  request.url = std::move(url);
  return request;
}

}  // namespace newsalert::net::testing
