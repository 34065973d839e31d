/* cli/cmd-show.c - placeholder, being written */
