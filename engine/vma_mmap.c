/* engine/vma_mmap.c - placeholder, being written */
