"""Bringing in the workbooks people already have: any layout, mapped onto the entity descriptions.

The steps, each a plain function (the window's wizard and `erbm-desk import --mapping` share them):

1. `source.read_source(path)`: the file (.xlsx, .ods or .csv) checked and read into rows, whatever its layout;
   `source.is_own_format(book)` tells our exchange workbook (imported as always by `plan_import`).
2. `proposal.propose(book, saved)`: the sheets, their header row, each column's field (labels and aliases of
   the descriptions, month columns), each list value's choice — or the saved mapping of the same shape.
3. `intake.Intake`: the file, its mapping, the corrections typed in the review and the rows left out.
   `intake.analyse(session, intake)` groups the rows into records and matches them with the database;
   `intake.review(session, intake)` turns them into the exchange's own sheets and plans them with the exchange's
   planner (`plan_sheets`: every rule a form obeys), its problems pointed back at the file's cells.
4. `intake.apply_review(db, review)`: a backup, then ONE transaction through the exchange's `apply_import`, the
   mapping remembered in the same transaction (`saved.py`).
"""
