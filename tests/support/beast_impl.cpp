// The one translation unit that compiles Beast's separately compiled parts.
#include <boost/beast/src.hpp>
