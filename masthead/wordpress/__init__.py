"""Import WordPress export (WXR) files into Masthead."""
