// Asio's TLS layer compiled once for the test servers (the build uses BOOST_ASIO_SEPARATE_COMPILATION).
#include <boost/asio/ssl/impl/src.hpp>
