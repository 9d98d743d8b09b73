"""Scoring a bundle's model: engines (scikit-learn, ONNX Runtime) and the prediction log."""
