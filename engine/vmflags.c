/* engine/vmflags.c - placeholder, being written */
