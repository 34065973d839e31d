/* cli/cmd-find.c - placeholder, being written */
