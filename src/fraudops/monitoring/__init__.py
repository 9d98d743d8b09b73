"""Monitoring of logged predictions: data, prediction and concept drift, reports and alerts."""
