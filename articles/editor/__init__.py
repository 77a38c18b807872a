"""The article body: the rich-text editor, its allowlist (shared with the sanitiser), embeds and removal reports."""
