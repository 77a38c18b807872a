"""Corrections readers see: a note on a live story ("Correction, 4 December: an earlier version said 40 minutes"),
added when an editor marks a change as a correction; shown on the page, in the feeds and in the JSON-LD."""
