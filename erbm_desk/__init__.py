"""ERBM Desk: renovation of the mining estates and insertion clauses of the ERBM, on the desktop."""

__version__ = "0.1.0"
