"""The only code that writes. Each operation is one transaction that checks the rules,
applies the change and appends an audit entry."""
