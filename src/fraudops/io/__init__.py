"""Everything that touches the world: files, datasets, MLflow, the model bundle, git."""
