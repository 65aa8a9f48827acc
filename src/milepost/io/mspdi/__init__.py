"""Microsoft Project XML (MSPDI): read, write, and compare with MS Project's own dates."""
