// Freestanding runtime for the C guests: serial output, exit, TSC, memory.
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

// Exit values a guest writes to isa-debug-exit; the emulator's process status
// is (value << 1) | 1, so these end as status 33 and 35.
#define GUEST_EXIT_PASS 0x10
#define GUEST_EXIT_FAIL 0x11

// Multiboot v1 information block (only the fields the guests use).
#define MULTIBOOT_LOADER_MAGIC 0x2BADB002u
#define MULTIBOOT_INFO_MEMORY (1u << 0)
#define MULTIBOOT_INFO_CMDLINE (1u << 2)

typedef struct multiboot_info {
  uint32_t flags;
  uint32_t mem_lower;  // KiB below 1 MiB
  uint32_t mem_upper;  // KiB above 1 MiB
  uint32_t boot_device;
  uint32_t cmdline;    // physical address of a NUL-terminated string
  uint32_t mods_count;
  uint32_t mods_addr;
} multiboot_info;

// start.asm
void guest_exit(int v) __attribute__((noreturn));
void guest_enable_fpu_sse(void);

// serial.c: COM1, polled.
void putc(char c);
void puts(const char* s);  // no newline appended
int printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char* fmt, va_list ap);

// string.c: the few functions GCC may call even when freestanding.
void* memcpy(void* dst, const void* src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);
size_t strlen(const char* s);

static inline uint64_t rdtsc(void) {
  uint32_t lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return ((uint64_t)hi << 32) | lo;
}

static inline void outb(uint16_t port, uint8_t v) {
  __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port) {
  uint8_t v;
  __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}
