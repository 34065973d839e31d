/* tests/test-ops.c - placeholder, being written */
