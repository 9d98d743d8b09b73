"""fraudops: a GitOps MLOps template for a card-fraud model.

The package is split by concern: ``core`` computes (pure functions over frames), ``io`` touches
the world (files, MLflow, the model bundle), ``stages`` holds one module per DVC stage, and
``cli`` is the single entry point that DVC, make, CI and Argo all call.
"""

__version__ = "0.1.0"
