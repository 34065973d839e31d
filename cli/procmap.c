/* cli/procmap.c - placeholder, being written */
