/* engine/smaps_store.c - placeholder, being written */
