/* tests/test-tree.c - placeholder, being written */
