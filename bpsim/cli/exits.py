"""The command line's exit codes (contract §2)."""

EXIT_OK, EXIT_BAD_INPUT, EXIT_DIVERGED = 0, 2, 3
