"""The family portal: a public form to report a missing person, and a private status link."""
