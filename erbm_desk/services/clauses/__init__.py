"""The insertion clauses of works contracts: what each titulaire company owes on its lots, what it has done, who
is behind, and the documents a facilitator sends (the reminder letter, the attestation de bonne exécution).

The rules are `domain/clauses.py`; here they meet the database. Nothing here imports the reporting engine or
the exchange (both use these figures): callers pass the date the figures stand at.
"""
