/* engine/diff.c - placeholder, being written */
