; rtc_cmos: the MC146818 RTC and CMOS RAM behind ports 0x70 (index) and
; 0x71 (data), and its periodic interrupt on IRQ8 (slave 8259A level 0,
; reaching the master on IR2; vector 0x28).
;
; What is printed or checked, and why:
; - Registers A (without UIP, bit 7, which depends on the moment), B and D as
;   the firmware leaves them: A = 0x26 (divider 010 = 32.768 kHz time base
;   running, rate 6), B = 0x02 (24-hour mode, DM=0: BCD, no interrupt
;   enables), D = 0x80 (VRT: the RAM and time are valid).
; - Index bit 7 is the NMI mask, not part of the index: 0x8B reads B.
; - NVRAM 0x40-0x4F is plain RAM: a pattern written reads back.
; - The memory sizes the firmware stores for -m 128 (QEMU's values, printed
;   as 16-bit words, low byte at the lower index): base memory in KiB
;   (0x15/0x16: 640), extended memory in KiB above 1 MiB (0x17/0x18 and its
;   copy 0x30/0x31; a 16-bit field, so 127 MiB is capped at 0xffff), memory
;   above 16 MiB in 64 KiB units (0x34/0x35: 112 MiB = 0x700).
; - UIP (A bit 7) is set for 244 us before each once-a-second update: polled
;   until seen set, then until clear. Right after it clears, the time fields
;   (seconds, minutes, hours, day of week, day of month, month, year,
;   century at 0x32) are read and must be valid BCD in range (24-hour mode);
;   the time itself is not printed.
; - Periodic interrupt: PIE in B with rate 6 (A = 0x26: 1024 Hz) raises IRQ8;
;   the handler reads C (which acknowledges the RTC: IRQF, bit 7, and PF,
;   bit 6, are both set when it is the periodic interrupt) and sends EOIs to
;   the slave and the master. HLT until 8 interrupts; then the count over
;   100 ms (timed by the PIT) must be within 5-300 (1024 Hz gives ~102). The
;   bounds are loose on purpose: they catch a rate gone wrong by a factor of
;   4 or so, not a few ticks lost while the host is busy (an RTC with its
;   IRQF still set merges further periodic interrupts into that one).
; - Reading C clears it: one more interrupt is taken and EOId without
;   reading C; then, with IF=0, the rate is set to 0 (no more periodic
;   flags) and C read: PF and IRQF set; read again: both clear.
; Left out: PF being set with PIE=0. The MC146818 datasheet sets PF at the
; selected rate whatever PIE says; QEMU 7.2 only runs its periodic timer
; while PIE is set.
; expect-exit: 1
; expect: A=26 B=02 D=80, B through index 8b: 02
; expect: nvram 40-4f: read back ok
; expect: base=0280 ext=ffff ext copy=ffff above 16M=0700
; expect: uip seen set: yes, then clear: yes
; expect: time fields valid BCD: yes
; expect: periodic irq8: 8 taken with hlt, C in handler & c0 = c0
; expect: rate 6 over 100 ms: count in range: yes
; expect: C read: c0, read again: 00

%include "guest.inc"
%include "idt.inc"
%include "pc.inc"

RTC_INDEX   equ 0x70
RTC_DATA    equ 0x71

%macro cmos_read 1                  ; AL = CMOS register %1
    mov al, %1
    out RTC_INDEX, al
    in al, RTC_DATA
%endmacro

%macro cmos_write 2                 ; CMOS register %1 = %2 (AL clobbered)
    mov al, %1
    out RTC_INDEX, al
    mov al, %2
    out RTC_DATA, al
%endmacro

main:
    call setup_gdt
    gate VEC_SLAVE + 0, irq8, GATE_INTR
    call load_idt
    call pic_init

    ; --- registers A, B, D ------------------------------------------------------
    print "A="
    cmos_read 0x0A
    and al, 0x7F
    print_hex8 al
    print " B="
    cmos_read 0x0B
    print_hex8 al
    print " D="
    cmos_read 0x0D
    print_hex8 al
    print ", B through index 8b: "
    cmos_read 0x8B
    print_hex8 al
    call newline

    ; --- NVRAM ----------------------------------------------------------------
    mov bl, 0x40
.nv_write:
    mov al, bl
    out RTC_INDEX, al
    imul eax, ebx, 0x35
    xor al, 0xA5
    out RTC_DATA, al
    inc bl
    cmp bl, 0x50
    jb .nv_write
    mov bl, 0x40
    xor ecx, ecx                    ; mismatches
.nv_read:
    mov al, bl
    out RTC_INDEX, al
    in al, RTC_DATA
    imul edx, ebx, 0x35
    xor dl, 0xA5
    cmp al, dl
    je .nv_ok
    inc ecx
.nv_ok:
    inc bl
    cmp bl, 0x50
    jb .nv_read
    print "nvram 40-4f: "
    test ecx, ecx
    jnz .nv_bad
    println "read back ok"
    jmp .mem
.nv_bad:
    print_dec ecx
    println " bytes WRONG"

    ; --- memory sizes -----------------------------------------------------------
.mem:
    print "base="
    mov bl, 0x15
    call cmos_word
    print " ext="
    mov bl, 0x17
    call cmos_word
    print " ext copy="
    mov bl, 0x30
    call cmos_word
    print " above 16M="
    mov bl, 0x34
    call cmos_word
    call newline

    ; --- UIP, then the time fields -----------------------------------------------
    mov ecx, 50000000
.uip_set:
    cmos_read 0x0A
    test al, 0x80
    jnz .uip_seen
    dec ecx
    jnz .uip_set
.uip_seen:
    setnz bl
    mov ecx, 50000000
.uip_clear:
    cmos_read 0x0A
    test al, 0x80
    jz .uip_gone
    dec ecx
    jnz .uip_clear
    test esp, esp                   ; ZF=0: timed out
.uip_gone:
    setz bh
    ; An update just ended: the next is ~1 s away, read the time now.
    xor esi, esi                    ; invalid fields
    mov dl, 0x00                    ; seconds 00-59
    mov dh, 0x59
    cmos_read 0x00
    call check_bcd
    mov dh, 0x59                    ; minutes
    cmos_read 0x02
    call check_bcd
    mov dh, 0x23                    ; hours, 24-hour mode
    cmos_read 0x04
    call check_bcd
    mov dl, 0x01                    ; day of week 1-7
    mov dh, 0x07
    cmos_read 0x06
    call check_bcd
    mov dh, 0x31                    ; day of month 1-31
    cmos_read 0x07
    call check_bcd
    mov dh, 0x12                    ; month 1-12
    cmos_read 0x08
    call check_bcd
    mov dl, 0x00                    ; year 00-99
    mov dh, 0x99
    cmos_read 0x09
    call check_bcd
    mov dl, 0x19                    ; century 19-20 (hosts live in 1900-2099)
    mov dh, 0x20
    cmos_read 0x32
    call check_bcd
    print "uip seen set: "
    mov al, bl
    call yes_if_al
    print ", then clear: "
    mov al, bh
    call yes_if_al
    call newline
    print "time fields valid BCD: "
    test esi, esi
    setz al
    call yes_if_al
    call newline

    ; --- periodic interrupt --------------------------------------------------------
    mov al, 0xFB                    ; master: IR2 (cascade) only
    out PIC1_DATA, al
    mov al, 0xFE                    ; slave: IRQ8 only
    out PIC2_DATA, al
    cmos_write 0x0A, 0x26           ; rate 6: 1024 Hz
    cmos_read 0x0C                  ; clear stale flags
    cmos_read 0x0B
    or al, 0x40                     ; PIE
    mov ah, al
    cmos_write 0x0B, ah
    mov dword [ticks], 0
.hlt:
    sti
    hlt
    cli
    cmp dword [ticks], 8
    jb .hlt
    print "periodic irq8: 8 taken with hlt, C in handler & c0 = "
    mov al, [first_c]
    and al, 0xC0
    print_hex8 al
    call newline

    mov dword [ticks], 0
    sti
    mov ecx, 100
    call pit_wait_ms
    cli
    mov eax, [ticks]
    print "rate 6 over 100 ms: count in range: "
    cmp eax, 5
    setae bl
    cmp eax, 300
    setbe al
    and al, bl
    call yes_if_al
    call newline

    ; --- reading C clears it (IF=0) ----------------------------------------------------
    ; The next interrupt is EOId but not acknowledged at the RTC: C keeps
    ; PF and IRQF until main reads it.
    mov byte [no_ack], 1
    mov dword [ticks], 0
.hlt2:
    sti
    hlt
    cli
    cmp dword [ticks], 0
    je .hlt2
    cmos_write 0x0A, 0x20           ; rate 0: no more periodic flags
    cmos_read 0x0C
    mov bl, al
    cmos_read 0x0C
    mov bh, al
    cmos_read 0x0B
    and al, ~0x40                   ; PIE off
    mov ah, al
    cmos_write 0x0B, ah
    cmos_write 0x0A, 0x26
    print "C read: "
    and bl, 0xC0
    print_hex8 bl
    print ", read again: "
    and bh, 0xC0
    print_hex8 bh
    call newline

    mov al, 0xFF
    out PIC1_DATA, al
    out PIC2_DATA, al
    exit 0

; cmos_word: BL = index of a low byte; prints the word (BL+1):BL in hex.
cmos_word:
    push eax
    mov al, bl
    inc al
    out RTC_INDEX, al
    in al, RTC_DATA
    mov ah, al
    mov al, bl
    out RTC_INDEX, al
    in al, RTC_DATA
    print_hex8 ah
    print_hex8 al
    pop eax
    ret

; check_bcd: AL = field; ESI += 1 unless both nibbles are 0-9 and
; DL <= AL <= DH (BCD compares like binary).
check_bcd:
    push eax
    mov ah, al
    and ah, 0x0F
    cmp ah, 9
    ja .bad
    mov ah, al
    shr ah, 4
    cmp ah, 9
    ja .bad
    cmp al, dl
    jb .bad
    cmp al, dh
    ja .bad
    pop eax
    ret
.bad:
    inc esi
    pop eax
    ret

yes_if_al:                          ; "yes" if AL != 0, else "no"
    test al, al
    jz .no
    print "yes"
    ret
.no:
    print "no"
    ret

; IRQ8: read C (acknowledges the RTC; not when no_ack is set), keep the first
; value, EOI both chips.
irq8:
    push eax
    cmp byte [no_ack], 0
    jne .counted
    mov al, 0x0C
    out RTC_INDEX, al
    in al, RTC_DATA
    cmp dword [ticks], 0
    jne .counted
    mov [first_c], al
.counted:
    inc dword [ticks]
    mov al, OCW2_EOI
    out PIC2, al
    out PIC1, al
    pop eax
    iret

section .bss
ticks:      resd 1
first_c:    resd 1
no_ack:     resd 1
