// The 16550A UART's register file, receive FIFO and interrupt logic (PC16550D datasheet).
#include "devices/uart16550.h"

namespace bt86::devices {

using namespace uart;

namespace {

// The modem-control input pins when not in loopback. The backends have no modem, so we
// present a connected, ready peer as QEMU's serial model does: CTS, DSR and DCD asserted,
// no ring.
constexpr uint8_t kExternalModemLines = kMsrCts | kMsrDsr | kMsrDcd;

// Bits the 16550A implements; the rest read as zero.
constexpr uint8_t kIerImplemented = 0x0F;
constexpr uint8_t kMcrImplemented = 0x1F;
// FCR bits kept once FIFOs are enabled: enable, DMA mode select, receive trigger level.
constexpr uint8_t kFcrKept = kFcrEnable | 0x08 | kFcrTriggerMask;

}  // namespace

Uart16550::Uart16550(const char* name, CharBackend* backend) : name_(name), backend_(backend) {}

// The chip has byte-wide registers on an 8-bit bus. A wider access is split into byte
// accesses at successive offsets, as the ISA bus controller (and QEMU's memory core) does;
// bytes past the eighth register float high.
uint32_t Uart16550::read(uint16_t offset, unsigned size) {
  uint32_t value = 0;
  for (unsigned i = 0; i < size; ++i) {
    const unsigned reg = unsigned{offset} + i;
    const uint8_t byte = reg < 8 ? read_register(static_cast<uint16_t>(reg)) : 0xFF;
    value |= uint32_t{byte} << (8 * i);
  }
  return value;
}

void Uart16550::write(uint16_t offset, unsigned size, uint32_t value) {
  for (unsigned i = 0; i < size; ++i) {
    const unsigned reg = unsigned{offset} + i;
    if (reg < 8) write_register(static_cast<uint16_t>(reg), static_cast<uint8_t>(value >> (8 * i)));
  }
}

uint8_t Uart16550::read_register(uint16_t offset) {
  const bool dlab = (lcr_ & kLcrDlab) != 0;
  switch (offset) {
    case kRbrThrDll:
      return dlab ? dll_ : pop_received();
    case kIerDlm:
      return dlab ? dlm_ : ier_;
    case kIirFcr: {
      const uint8_t id = interrupt_id();
      // Reading IIR clears a THRE interrupt, but only when THRE is what it reports.
      if (id == kIirThrEmpty) thre_pending_ = false;
      return id | (fifo_enabled() ? kIirFifosEnabled : 0);
    }
    case kLcr:
      return lcr_;
    case kMcr:
      return mcr_;
    case kLsr: {
      const uint8_t value = lsr();
      lsr_errors_ = 0;  // OE (and PE/FE/BI) clear on read, ending a line-status interrupt
      return value;
    }
    case kMsr: {
      const uint8_t value = modem_lines() | msr_deltas_;
      msr_deltas_ = 0;  // ends a modem-status interrupt
      return value;
    }
    case kScr:
      return scr_;
  }
  return 0xFF;
}

void Uart16550::write_register(uint16_t offset, uint8_t value) {
  const bool dlab = (lcr_ & kLcrDlab) != 0;
  switch (offset) {
    case kRbrThrDll:
      if (dlab) {
        dll_ = value;
      } else {
        transmit(value);
      }
      return;
    case kIerDlm:
      if (dlab) {
        dlm_ = value;
      } else {
        write_ier(value);
      }
      return;
    case kIirFcr:
      write_fcr(value);
      return;
    case kLcr:
      lcr_ = value;
      return;
    case kMcr:
      set_mcr(value & kMcrImplemented);
      return;
    case kLsr:  // the datasheet reserves LSR and MSR writes for factory test; ignore them
    case kMsr:
      return;
    case kScr:
      scr_ = value;
      return;
  }
}

void Uart16550::transmit(uint8_t byte) {
  // Writing THR clears the THRE interrupt...
  thre_pending_ = false;
  if (mcr_ & kMcrLoop) {
    // Loopback: the transmitter output is disconnected and the serial data goes straight
    // to the receiver.
    receive(byte);
  } else if (backend_ != nullptr) {
    backend_->write(byte);
  }
  // ...and since the byte left at once, THR is empty again and THRE is raised anew.
  thre_pending_ = true;
}

void Uart16550::receive(uint8_t byte) {
  if (rx_count_ == rx_capacity()) {
    lsr_errors_ |= kLsrOe;
    // 16450 mode: the new character overwrites the unread one in RBR. FIFO mode: the
    // character in the shift register is lost and the FIFO is left as it was.
    if (!fifo_enabled()) rx_[rx_head_] = byte;
    return;
  }
  rx_[(rx_head_ + rx_count_) % kFifoSize] = byte;
  ++rx_count_;
}

uint8_t Uart16550::pop_received() {
  if (rx_count_ > 0) {
    rbr_ = rx_[rx_head_];
    rx_head_ = (rx_head_ + 1) % kFifoSize;
    --rx_count_;
  }
  return rbr_;
}

void Uart16550::clear_receiver() {
  rx_head_ = 0;
  rx_count_ = 0;
}

void Uart16550::write_fcr(uint8_t value) {
  // "When changing from the FIFO Mode to the 16450 Mode and vice versa, data is
  // automatically cleared from the FIFOs."
  if ((value ^ fcr_) & kFcrEnable) clear_receiver();
  // "FCR0 must be 1 when other FCR bits are written to or they will not be programmed."
  if (!(value & kFcrEnable)) {
    fcr_ = 0;
    return;
  }
  fcr_ = value & kFcrKept;
  if (value & kFcrClearRx) clear_receiver();
  // kFcrClearTx: the transmit FIFO is always empty here, so there is nothing to clear.
}

void Uart16550::write_ier(uint8_t value) {
  value &= kIerImplemented;
  const bool was_on = (ier_ & kIerThri) != 0;
  const bool now_on = (value & kIerThri) != 0;
  // THR is always empty, so enabling ETBEI raises the THRE interrupt at once (Linux's
  // 8250 driver checks for this "reassert THRE" behaviour of real 16550s at startup).
  if (now_on && !was_on) thre_pending_ = true;
  if (!now_on) thre_pending_ = false;
  ier_ = value;
}

void Uart16550::set_mcr(uint8_t value) {
  const uint8_t old_lines = modem_lines();
  mcr_ = value;
  update_modem_lines(old_lines);
}

unsigned Uart16550::rx_trigger_level() const {
  static constexpr unsigned kLevels[4] = {1, 4, 8, 14};
  return kLevels[(fcr_ & kFcrTriggerMask) >> 6];
}

uint8_t Uart16550::lsr() const {
  // THRE and TEMT: the transmitter is always idle. Bit 7 (error in RCVR FIFO) stays clear
  // because no byte ever arrives with a parity, framing or break error.
  uint8_t value = kLsrThre | kLsrTemt | lsr_errors_;
  if (rx_count_ > 0) value |= kLsrDr;
  return value;
}

uint8_t Uart16550::modem_lines() const {
  if (!(mcr_ & kMcrLoop)) return kExternalModemLines;
  // Loopback wires the modem-control outputs to the inputs: RTS->CTS, DTR->DSR,
  // OUT1->RI, OUT2->DCD.
  uint8_t lines = 0;
  if (mcr_ & kMcrRts) lines |= kMsrCts;
  if (mcr_ & kMcrDtr) lines |= kMsrDsr;
  if (mcr_ & kMcrOut1) lines |= kMsrRi;
  if (mcr_ & kMcrOut2) lines |= kMsrDcd;
  return lines;
}

void Uart16550::update_modem_lines(uint8_t old_lines) {
  const uint8_t now = modem_lines();
  const uint8_t changed = old_lines ^ now;
  if (changed & kMsrCts) msr_deltas_ |= kMsrDcts;
  if (changed & kMsrDsr) msr_deltas_ |= kMsrDdsr;
  if (changed & kMsrDcd) msr_deltas_ |= kMsrDdcd;
  // TERI marks only the trailing edge of ring: RI going from on to off.
  if ((old_lines & kMsrRi) && !(now & kMsrRi)) msr_deltas_ |= kMsrTeri;
}

// Priorities from the datasheet's IIR table: line status, then received data (or character
// timeout), then THR empty, then modem status.
//
// Character timeout: the chip reports it once the FIFO has held data below the trigger
// level for four character times with no activity. Our line delivers bytes in bursts at
// host speed and nothing more arrives until the next poll, so that quiet period has always
// passed by the time the guest looks; we report the timeout as soon as the FIFO holds data
// below the trigger level.
uint8_t Uart16550::interrupt_id() const {
  if ((ier_ & kIerRlsi) && (lsr_errors_ & (kLsrOe | kLsrPe | kLsrFe | kLsrBi))) {
    return kIirLineStatus;
  }
  if ((ier_ & kIerRdai) && rx_count_ > 0) {
    if (!fifo_enabled() || rx_count_ >= rx_trigger_level()) return kIirRxData;
    return kIirCharTimeout;
  }
  if ((ier_ & kIerThri) && thre_pending_) return kIirThrEmpty;
  if ((ier_ & kIerMsi) && msr_deltas_ != 0) return kIirModemStatus;
  return kIirNoInt;
}

bool Uart16550::irq_pending() const {
  // On the PC, OUT2 enables the tri-state driver between the chip's INTR pin and the IRQ line.
  return interrupt_id() != kIirNoInt && (mcr_ & kMcrOut2) != 0;
}

unsigned Uart16550::poll_input() {
  // In loopback the receiver is disconnected from the line; input waits in the backend.
  if (backend_ == nullptr || (mcr_ & kMcrLoop)) return 0;
  unsigned moved = 0;
  // Take only what fits: a host byte is never lost to an overrun the guest could not avoid.
  while (rx_count_ < rx_capacity()) {
    const std::optional<uint8_t> byte = backend_->read();
    if (!byte) break;
    receive(*byte);
    ++moved;
  }
  return moved;
}

}  // namespace bt86::devices
