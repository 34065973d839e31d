/* tests/child.c - placeholder, being written */
