"""vidfp: find duplicate and partially copied videos in large corpora.

The library (decode, encoders, fingerprints, similarity, index, store, eval)
imports neither Prefect nor CUDA; torch and timm load only with the DINOv3
encoder.
"""

__version__ = "0.1.0"
