/* engine/classify.c - placeholder, being written */
