"""A grounded career advisor for the career ladders it indexes."""

import os

from advisor import lean_imports

# Set before onnxruntime, chromadb, gradio or huggingface_hub are imported anywhere in the
# process: each of them phones home at import or first use, which on an offline machine costs
# seconds of timeouts and leaks usage data elsewhere. setdefault lets a user override them.
for _name, _value in (
    ("ORT_DISABLE_TELEMETRY", "1"),
    ("HF_HUB_OFFLINE", "1"),
    ("GRADIO_ANALYTICS_ENABLED", "False"),
    ("ANONYMIZED_TELEMETRY", "False"),
):
    os.environ.setdefault(_name, _value)

# Before numpy is imported: its OpenBLAS runs even a 3x384 by 384x500 product on a thread per
# core, and on a busy 2-core machine waiting for those threads took ~4.6 ms where one thread
# takes 0.07 ms; the products here are that small (an ask against a ladder's sentences), and
# the embedder and Chroma run their own threads. A user may still set it.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# Likewise before chromadb or gradio is imported: skip their import-time developer checks.
lean_imports.install()

__version__ = "0.1.0"
