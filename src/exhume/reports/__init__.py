"""Printed reports (PDF) of a site: what they show, how they are rendered, and their log entry."""
