// Typed results for user and configuration errors: one message, one exit code.
#pragma once

#include <cstdio>
#include <expected>
#include <string>

namespace bt86 {

// A user-facing error: bad flag, unreadable or malformed image, impossible configuration.
struct Error {
  std::string message;
};

template <typename T>
using Result = std::expected<T, Error>;

// printf-style formatting into a std::string (GCC 12 has no <format>).
std::string strfmt(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

template <typename... Args>
std::unexpected<Error> fail(const char* fmt, Args... args) {
  if constexpr (sizeof...(Args) == 0) {
    return std::unexpected(Error{fmt});
  } else {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-security"
    return std::unexpected(Error{strfmt(fmt, args...)});
#pragma GCC diagnostic pop
  }
}

}  // namespace bt86
