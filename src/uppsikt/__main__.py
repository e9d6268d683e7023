import sys

from uppsikt.cli import main

sys.exit(main())
