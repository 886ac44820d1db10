from erbm_desk.cli import main

raise SystemExit(main())
