"""Tags as editors use them: matched case-insensitively, counted, merged when they differ only in case."""
