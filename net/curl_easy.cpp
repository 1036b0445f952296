// Owner of one CURL easy handle; its setter throws when curl refuses an option.
#include "net/curl_easy.hpp"

#include "net/curl_global.hpp"

#include <new>

namespace newsalert::net {

CurlEasy::CurlEasy() : handle_((curl_global(), curl_easy_init())) {
  if (handle_ == nullptr) throw std::bad_alloc();
}

CurlEasy::~CurlEasy() {
  if (handle_ != nullptr) curl_easy_cleanup(handle_);
}

std::string CurlEasy::option_name(CURLoption option) {
  const curl_easyoption* entry = curl_easy_option_by_id(option);
  if (entry == nullptr || entry->name == nullptr) return "curl option " + std::to_string(static_cast<int>(option));
  return std::string("CURLOPT_") + entry->name;
}

}  // namespace newsalert::net
