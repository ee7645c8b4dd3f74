"""The eval suite: datasets, an independent faithfulness judge, metrics, runner and report."""
