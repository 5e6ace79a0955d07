"""Masthead: an open-source news publishing platform."""
