/* cli/util.c - placeholder, being written */
