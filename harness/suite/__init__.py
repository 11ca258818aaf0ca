"""The suite: typed schema (the single source of truth), loading with line numbers, checks."""
