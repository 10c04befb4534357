"""What is published: site statistics derived from the records, and public pages."""
