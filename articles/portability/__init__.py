"""Content export and import: the site's articles, sections, tags, library images (files), slug redirects,
votes and popularity buckets as one archive (`content.json` + `media/`), to move a site or restore it
(docs/backup.md)."""
