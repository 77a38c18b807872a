"""Authors: a reader-facing profile for an account that writes (name, address, photo, bio), their page and feed."""
