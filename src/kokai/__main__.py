import sys

from kokai.cli import main

sys.exit(main())
