/* cli/source.c - placeholder, being written */
