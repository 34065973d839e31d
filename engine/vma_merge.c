/* engine/vma_merge.c - placeholder, being written */
