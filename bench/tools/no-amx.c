// Diagnostic for the int8 benches, not part of modelops: runs a command with
// arch_prctl(ARCH_REQ_XCOMP_PERM) refused (EPERM) by a seccomp filter. onnxruntime's MLAS asks the
// kernel for AMX tile data once per process and, refused, uses its AVX512-VNNI integer kernels
// instead: the only way to compare the two on one AMX machine (onnxruntime 1.30 has no setting
// for it). Sets MODELOPS_BENCH_NO_AMX=1 so the benches record it. x86-64 Linux only: the filter
// matches the x86-64 arch_prctl number and does not check seccomp_data.arch.
//   gcc -O2 -o /tmp/no-amx bench/tools/no-amx.c && /tmp/no-amx node bench/optimize-int8.bench.mjs
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(int argc, char **argv) {
  struct sock_filter f[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_arch_prctl, 0, 3),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x1023, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) { perror("seccomp"); return 1; }
  if (argc < 2) { fprintf(stderr, "usage: no-amx command [args...]\n"); return 2; }
  setenv("MODELOPS_BENCH_NO_AMX", "1", 1);
  execvp(argv[1], argv + 1);
  perror("exec");
  return 1;
}
