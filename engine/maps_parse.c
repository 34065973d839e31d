/* engine/maps_parse.c - placeholder, being written */
