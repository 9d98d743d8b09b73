"""Pure computation: no files, no network, no global state."""
