"""The media library: images reused across articles, their focal points and the renditions cropped around them."""
