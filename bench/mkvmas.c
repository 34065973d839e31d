/* bench/mkvmas.c - placeholder, being written */
