"""Pictures: PDQ perceptual hashes of report photos and profile photos, and a Hamming-distance index over them.

Pure like bot.core: bytes in, hashes out; no Telegram, no database, nothing written to disk.
"""
