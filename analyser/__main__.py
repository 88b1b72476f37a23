from analyser.cli import main

raise SystemExit(main())
