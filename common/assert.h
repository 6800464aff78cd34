// BT_ASSERT: a broken monitor invariant. Prints where and why, then aborts the VM.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace bt86 {

[[noreturn]] void assert_failed(const char* file, int line, const char* cond, const char* fmt, ...)
    __attribute__((format(printf, 4, 5)));

}  // namespace bt86

#define BT_ASSERT(cond, ...)                                           \
  do {                                                                 \
    if (!(cond)) [[unlikely]]                                          \
      ::bt86::assert_failed(__FILE__, __LINE__, #cond, __VA_ARGS__);   \
  } while (0)
