/* engine/vma_mremap.c - placeholder, being written */
