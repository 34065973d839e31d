/* engine/intern.c - placeholder, being written */
