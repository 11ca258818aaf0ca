"""The results store: versioned JSON records written atomically, predictions beside them."""
