; pushf_inline: the EFLAGS image PUSHF pushes (bt86 builds it inline, from LAHF/SETO, the
; virtual IF and DF and the system flags) for every combination of CF PF AF ZF SF OF set
; through POPF, with DF and IF both ways (hashed: h = h*31 + image, 5f01d080 as computed
; from the SDM's EFLAGS layout); and the flags after PUSHF are the flags before it (read
; back with SETcc and a second PUSHF).
; expect-exit: 1
; expect: images 5f01d080
; expect: after: c=1 p=1 a=1 z=1 s=1 o=1 same=1
; expect: after: c=0 p=0 a=0 z=0 s=0 o=0 same=1
; expect: cmp/pushf/jcc: taken
; expect: done

%include "guest.inc"

section .bss
checksum: resd 1

section .text
main:
    ; Every subset of the six arithmetic flags, with DF=0/1 and IF=0/1: 256 images,
    ; folded into a checksum (rotate-xor) that QEMU must reproduce.
    xor edi, edi                    ; checksum
    xor ebx, ebx                    ; combination 0..255
.next:
    mov eax, ebx
    ; bits 0-5 of ebx -> CF(0) PF(2) AF(4) ZF(6) SF(7) OF(11); bit 6 -> DF(10); bit 7 -> IF(9)
    xor ecx, ecx
    bt eax, 0
    jnc .n0
    or ecx, 0x001
.n0:
    bt eax, 1
    jnc .n1
    or ecx, 0x004
.n1:
    bt eax, 2
    jnc .n2
    or ecx, 0x010
.n2:
    bt eax, 3
    jnc .n3
    or ecx, 0x040
.n3:
    bt eax, 4
    jnc .n4
    or ecx, 0x080
.n4:
    bt eax, 5
    jnc .n5
    or ecx, 0x800
.n5:
    bt eax, 6
    jnc .n6
    or ecx, 0x400
.n6:
    bt eax, 7
    jnc .n7
    or ecx, 0x200
.n7:
    push ecx
    popf
    pushf
    pop eax
    cld
    cli
    imul edi, edi, 31
    add edi, eax
    inc ebx
    cmp ebx, 256
    jne .next
    mov [checksum], edi
    print "images "
    print_hex32 [checksum]
    call newline

    ; Flags survive PUSHF: all set, then all clear.
    push dword 0x8d5
    popf
    pushf
    call report
    push dword 0x002
    popf
    pushf
    call report

    ; Flags computed by CMP, then PUSHF, then a Jcc in the same block.
    mov eax, 5
    cmp eax, 5
    pushf
    pop edx
    jz .taken
    println "cmp/pushf/jcc: not taken"
    jmp .out
.taken:
    println "cmp/pushf/jcc: taken"
.out:
    println "done"
    exit 0

; report: [esp+4] = the image pushed before the call; print the current flags as read
; by SETcc, and whether a second PUSHF gives the same image.
report:
    setc al
    setp bl
    sete dl
    sets dh
    seto ah
    pushf
    pop ecx
    mov esi, ecx
    print "after: c="
    movzx edi, al
    print_dec edi
    print " p="
    movzx edi, bl
    print_dec edi
    print " a="
    mov edi, esi
    shr edi, 4
    and edi, 1
    print_dec edi
    print " z="
    movzx edi, dl
    print_dec edi
    print " s="
    movzx edi, dh
    print_dec edi
    print " o="
    movzx edi, ah
    print_dec edi
    print " same="
    xor edi, edi
    cmp esi, [esp + 4]
    sete al
    movzx edi, al
    print_dec edi
    call newline
    ret 4
