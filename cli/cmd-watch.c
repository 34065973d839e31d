/* cli/cmd-watch.c - placeholder, being written */
