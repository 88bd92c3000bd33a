"""Answer strategies: each answers one part of a message, or declines (None) for the next one."""
