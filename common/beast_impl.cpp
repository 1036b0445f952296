// The one translation unit that compiles Beast's separately compiled parts (admin listener, test server).
#include <boost/beast/src.hpp>
