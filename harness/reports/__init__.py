"""Reports built from stored records only."""
