"""What CI needs beyond the pipeline: the pull-request report and its comment."""
