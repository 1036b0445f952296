// The one translation unit that compiles Asio's separately compiled parts.
#include <boost/asio/impl/src.hpp>
