// libcurl's process-wide initialisation, done once before the first handle is made.
#pragma once

namespace newsalert::net {

// Throws when curl_global_init fails; later calls repeat the first result.
void curl_global();

}  // namespace newsalert::net
