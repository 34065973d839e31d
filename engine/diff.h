/* engine/diff.h - placeholder, being written */
