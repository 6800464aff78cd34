// COM1 output (polled 16550A) and a small printf for the guests.
#include "guests/lib/guest.h"

enum {
  COM1_THR = 0x3F8,      // transmit holding register
  COM1_LSR = 0x3FD,      // line status register
  LSR_THR_EMPTY = 0x20,  // bit 5: THR can take a byte
};

void putc(char c) {
  while (!(inb(COM1_LSR) & LSR_THR_EMPTY)) {
  }
  outb(COM1_THR, (uint8_t)c);
}

void puts(const char* s) {
  while (*s) putc(*s++);
}

// Divides *v by 10 and returns the remainder, using two 32-bit DIVs so that
// no libgcc 64-bit division helper is needed.
static unsigned divmod10(uint64_t* v) {
  uint32_t hi = (uint32_t)(*v >> 32), lo = (uint32_t)*v;
  uint32_t qhi = hi / 10, rem = hi % 10, qlo;
  __asm__("divl %4" : "=a"(qlo), "=d"(rem) : "a"(lo), "d"(rem), "r"(10u));
  *v = ((uint64_t)qhi << 32) | qlo;
  return rem;
}

// Writes the digits of v in base 10 or 16 into buf (backwards); returns the
// start of the digits.
static char* format_unsigned(uint64_t v, unsigned base, int upper, char* end) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char* p = end;
  *--p = '\0';
  do {
    if (base == 10) {
      *--p = digits[divmod10(&v)];
    } else {
      *--p = digits[v & 15];
      v >>= 4;
    }
  } while (v);
  return p;
}

// pad: '0', ' ', or '-' (left-justify: pad with spaces on the right).
static int emit_padded(const char* s, int negative, int width, char pad) {
  int len = (int)strlen(s) + negative, n = 0;
  if (pad == '-') {
    if (negative) putc('-');
    puts(s);
    for (; len < width; ++len, ++n) putc(' ');
    return n + negative + (int)strlen(s);
  }
  if (negative && pad == '0') { putc('-'); ++n; }
  for (; len < width; ++len, ++n) putc(pad);
  if (negative && pad != '0') { putc('-'); ++n; }
  puts(s);
  return n + (int)strlen(s);
}

// Supports %d %i %u %x %X %p %s %c %%, a width with an optional '0' (zero
// pad) or '-' (left-justify) flag (%08x, %-20s), and the l / ll modifiers.
int vprintf(const char* fmt, va_list ap) {
  char buf[24];
  int count = 0;
  for (; *fmt; ++fmt) {
    if (*fmt != '%') { putc(*fmt); ++count; continue; }
    ++fmt;
    char pad = ' ';
    int width = 0, longs = 0;
    if (*fmt == '0' || *fmt == '-') pad = *fmt++;
    while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
    while (*fmt == 'l') { ++longs; ++fmt; }
    switch (*fmt) {
      case 'd':
      case 'i': {
        int64_t v = longs >= 2 ? va_arg(ap, int64_t) : va_arg(ap, int);
        uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        count += emit_padded(format_unsigned(mag, 10, 0, buf + sizeof buf), v < 0, width, pad);
        break;
      }
      case 'u':
      case 'x':
      case 'X': {
        uint64_t v = longs >= 2 ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
        unsigned base = *fmt == 'u' ? 10 : 16;
        count += emit_padded(format_unsigned(v, base, *fmt == 'X', buf + sizeof buf), 0, width, pad);
        break;
      }
      case 'p':
        puts("0x");
        count += 2 + emit_padded(format_unsigned((uintptr_t)va_arg(ap, void*), 16, 0, buf + sizeof buf), 0, 8, '0');
        break;
      case 's': {
        const char* s = va_arg(ap, const char*);
        count += emit_padded(s ? s : "(null)", 0, width, pad == '-' ? '-' : ' ');
        break;
      }
      case 'c':
        putc((char)va_arg(ap, int));
        ++count;
        break;
      case '%':
        putc('%');
        ++count;
        break;
      case '\0':
        return count;
      default:  // unknown conversion: print it as is
        putc('%');
        putc(*fmt);
        count += 2;
        break;
    }
  }
  return count;
}

int printf(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vprintf(fmt, ap);
  va_end(ap);
  return n;
}
