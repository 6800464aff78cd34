// The compute benchmark as a native 32-bit Linux program (same kernel objects).
#include <stdio.h>

#include "bench/compute/bench.h"

int main(void) {
  printf("bench-compute native\n");
  bench_run_all();
  return 0;
}
