/* cli/cmd.c - placeholder, being written */
