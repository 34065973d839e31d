/* engine/maps_print.c - placeholder, being written */
