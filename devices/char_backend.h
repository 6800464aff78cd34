// Where a UART's bytes go and come from: stdio, a file, a Unix socket, or nowhere.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/result.h"

namespace bt86::devices {

// The contract with the machine:
//  - write() may buffer. Output reaches the host on "\n", every 4 KiB, and on flush(); a
//    prompt without a newline waits for flush(). The machine calls flush() whenever the
//    guest goes idle (HLT), on its periodic host ticks, and before it exits. flush() with
//    nothing buffered makes no system call.
//  - read() never blocks. While the guest halts, the machine may poll() poll_fd() for input.
//  - The quit handler is what Ctrl-A x on an interactive console calls: it must end the run
//    soon (it is called from inside read(), so it should only ask the machine to stop).
class CharBackend {
 public:
  virtual ~CharBackend() = default;
  virtual void write(uint8_t byte) = 0;
  // A byte the guest may receive now, if any; never blocks.
  virtual std::optional<uint8_t> read() = 0;
  // Host file descriptor to poll() for input while the guest halts, or -1.
  virtual int poll_fd() const { return -1; }
  // Hands buffered output to the host; cheap when there is none.
  virtual void flush() {}
  // Backends without a console escape ignore it. The stdio backend, without a handler,
  // flushes and exits the process with status 0 on Ctrl-A x.
  virtual void set_quit_handler(std::function<void()> quit) { (void)quit; }
};

// Parses QEMU's -serial spelling:
//   stdio             the host terminal or pipes (the default). When fd 0 is a terminal it
//                     is put in raw mode for the run (as QEMU's -nographic does: no echo, no
//                     line editing, Ctrl-C goes to the guest; output post-processing stays)
//                     and Ctrl-A is the escape key (Ctrl-A h lists the commands). When fd 0
//                     is a pipe or file, every byte passes through untouched.
//   file:PATH         output to PATH, created or truncated; no input.
//   unix:PATH         connect to the Unix stream socket PATH.
//   unix:PATH,server  listen on PATH (replacing a stale socket there) and take one client at
//                     a time, never waiting for one: output while no client is connected is
//                     dropped. QEMU's server=on, wait=off and nowait are accepted; wait=on is
//                     refused, since bt86 never stops the VM to wait for a client.
//   none              output discarded, no input.
Result<std::unique_ptr<CharBackend>> make_char_backend(const std::string& spec);

// Puts the host terminal back as it was before a stdio backend made it raw; does nothing if
// none did. Async-signal-safe, for fatal-signal paths that end with _exit() (a normal exit
// restores it through the backend's destructor or an atexit handler).
void restore_host_terminal() noexcept;

}  // namespace bt86::devices
