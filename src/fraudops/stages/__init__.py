"""One module per DVC stage: a plain keyword-only function that the CLI wraps."""
