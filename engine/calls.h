/* engine/calls.h - placeholder, being written */
