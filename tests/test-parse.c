/* tests/test-parse.c - placeholder, being written */
