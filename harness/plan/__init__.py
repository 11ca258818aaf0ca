"""The plan: a suite expanded into trials, each with a stable key (the methods say what enters it).

May import: harness.suite, harness.methods (the registry) and what they import.
"""
