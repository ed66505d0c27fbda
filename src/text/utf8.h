#pragma once
#include <cstddef>
#include <string_view>

namespace attune::text {

/** Byte offset of the first invalid UTF-8 sequence in `s`, or npos when `s` is valid. */
std::size_t find_invalid_utf8(std::string_view s);

/** Number of code points in valid UTF-8 text. */
std::size_t utf8_length(std::string_view s);

}  // namespace attune::text
