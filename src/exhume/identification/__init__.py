"""Identification board: runs over a site, proposals with their evidence, two-person sign-off."""
