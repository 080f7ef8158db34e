from mpmatrix.cli import main

raise SystemExit(main())
