"""Entry point of the frozen build (packaging/erbm-desk.spec): the same `main()` as the `erbm-desk` command."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen Windows app must call this before anything spawns a process
    from erbm_desk.cli.main import main

    sys.exit(main())
