"""DNA in the case records: samples and their custody, profiles, frequency databases, and the
relatives and pedigrees of missing persons. Imports casework and families, never the reverse."""
