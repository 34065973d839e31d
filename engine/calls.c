/* engine/calls.c - placeholder, being written */
