/* tests/test-kernel.c - placeholder, being written */
