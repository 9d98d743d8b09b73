"""Online serving with BentoML: the model store, the typed service, its log, metrics and Bento."""
