"""Original demo content for `manage.py seed_demo`: sections, tags, articles and hero images.

Everything here is composed from small word lists (`words`) with a seeded random generator, so the same seed
and index always give the same article (`stories`) or picture (`pictures`), and the same slug — which is what
makes seeding idempotent. No text is copied from anywhere; the wire name "NDW" (Newsroom Demo Wire) is made up.
"""
