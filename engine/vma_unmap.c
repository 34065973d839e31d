/* engine/vma_unmap.c - placeholder, being written */
