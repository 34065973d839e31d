/* cli/show.c - placeholder, being written */
