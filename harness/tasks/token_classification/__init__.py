"""Token classification (named entities as character spans or IOB2 word tags)."""
