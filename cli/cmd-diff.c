/* cli/cmd-diff.c - placeholder, being written */
