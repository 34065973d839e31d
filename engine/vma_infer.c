/* engine/vma_infer.c - placeholder, being written */
