"""One screen per module; each owns its handlers and workers."""
