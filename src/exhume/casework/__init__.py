"""Case records from the field and the morgue: sites, graves, the burial journal, remains."""
