/* cli/json.h - placeholder, being written */
