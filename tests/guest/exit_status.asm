; exit_status: the value written to isa-debug-exit (0xF4) becomes the process
; status (v << 1) | 1, and nothing after the write runs (the VM stops at once).
; expect-exit: 7
; expect: exiting with 3

%include "guest.inc"

main:
    println "exiting with 3"
    mov eax, 3
    mov dx, DEBUG_EXIT
    out dx, eax
    println "still running after the exit write"
    exit 5
