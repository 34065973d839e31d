/* engine/vma_modify.c - placeholder, being written */
