"""Pure rules with no database: NIK, residents, passwords, formatting."""
