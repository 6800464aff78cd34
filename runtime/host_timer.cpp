// SIGALRM from setitimer(ITIMER_REAL): a one-byte store, safe at any host instruction.
#include "runtime/host_timer.h"

#include <signal.h>
#include <sys/time.h>

#include "common/assert.h"

namespace bt86::runtime {

namespace {

volatile uint8_t* g_exit_request = nullptr;
volatile sig_atomic_t g_tick = 0;

void on_alarm(int) {
  g_tick = 1;
  if (volatile uint8_t* p = g_exit_request) *p = 1;
}

void set_period(uint32_t us) {
  itimerval it{};
  it.it_interval.tv_sec = us / 1000000;
  it.it_interval.tv_usec = us % 1000000;
  it.it_value = it.it_interval;
  setitimer(ITIMER_REAL, &it, nullptr);
}

}  // namespace

HostTimer::HostTimer(volatile uint8_t* exit_request, uint32_t period_us) {
  BT_ASSERT(!g_exit_request, "one host timer per process");
  BT_ASSERT(period_us > 0, "host timer period must be positive");
  g_exit_request = exit_request;
  struct sigaction sa {};
  sa.sa_handler = on_alarm;
  // SA_RESTART: host I/O of the monitor (console output, file reads) is not cut short;
  // ppoll() in HLT returns EINTR regardless, which is what waiting wants.
  sa.sa_flags = SA_RESTART | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGALRM, &sa, nullptr);
  set_period(period_us);
}

HostTimer::~HostTimer() {
  itimerval off{};
  setitimer(ITIMER_REAL, &off, nullptr);
  signal(SIGALRM, SIG_IGN);
  g_exit_request = nullptr;
}

bool HostTimer::take_tick() {
  if (!g_tick) return false;
  g_tick = 0;
  return true;
}

}  // namespace bt86::runtime
