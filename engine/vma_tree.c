/* engine/vma_tree.c - placeholder, being written */
