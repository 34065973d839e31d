/* cli/main.c - placeholder, being written */
