// The compute benchmark as a Multiboot guest (guests/lib runtime).
#include "bench/compute/bench.h"
#include "guests/lib/guest.h"

int main(uint32_t magic, const multiboot_info* info) {
  (void)magic;
  (void)info;
  guest_enable_fpu_sse();
  printf("bench-compute guest\n");
  bench_run_all();
  return GUEST_EXIT_PASS;
}
