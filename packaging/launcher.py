"""Entry point of the frozen build (packaging/erbm-desk.spec): the same `main()` as the `erbm-desk` command."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen Windows app must call this before anything spawns a process
    if sys.argv[1:2] == ["--erbm-desk-lecture-protegee"]:  # the child that reads a workbook first (guarded_reading)
        from erbm_desk.services.exchange import calamine_scout

        sys.exit(calamine_scout.main(sys.argv[2:]))
    from erbm_desk.cli.main import main

    sys.exit(main())
