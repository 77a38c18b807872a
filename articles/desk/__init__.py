"""The editors\x27 desk: conflicts, versions, edit locks and the trash (docs/editors-desk.md)."""
