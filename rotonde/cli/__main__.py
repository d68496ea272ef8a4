import sys

from rotonde.cli import main

sys.exit(main())
