"""The plan: a suite expanded into trials, each with a stable key."""
