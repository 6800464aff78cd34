// The one place a broken monitor invariant ends the process.
#include "common/assert.h"

#include <cstdarg>

namespace bt86 {

void assert_failed(const char* file, int line, const char* cond, const char* fmt, ...) {
  std::fprintf(stderr, "bt86: internal error at %s:%d: %s: ", file, line, cond);
  va_list ap;
  va_start(ap, fmt);
  std::vfprintf(stderr, fmt, ap);
  va_end(ap);
  std::fputc('\n', stderr);
  std::fflush(stderr);
  // Exit status 70 (EX_SOFTWARE) marks a monitor bug; never dump core.
  std::_Exit(70);
}

}  // namespace bt86
