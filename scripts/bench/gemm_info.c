/*
 * gemm_info.c — what dlx's GEMM seam decides on this machine, for bench.py's
 * headers: line 1 gemm_backend_name() under --gemm auto (as meta.yaml
 * records it), line 2 the instruction set of oneDNN's kernels
 * (gemm_onednn_isa), line 3 OpenBLAS's core (openblas_get_corename).
 * Compiled by bench.py from src/util; not part of dlx.
 */
#include <cblas.h>
#include <stdio.h>

#include "util/gemm.h"

int main(void)
{
    printf("%s\n%s\n%s\n", gemm_backend_name(), gemm_onednn_isa(), openblas_get_corename());
    return 0;
}
